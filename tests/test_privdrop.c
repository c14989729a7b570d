/* test_privdrop.c: the sandbox refuses what a packet parser never does
 * (each case in a child, which the filter may kill). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "rawshake/privdrop.h"

/* Runs fn in a child inside a sandbox of `kind`; returns its wait status. */
static int in_sandbox(enum rs_sandbox_kind kind, int (*fn)(void))
{
	pid_t p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		char err[256];
		if (!rs_sandbox_enter(kind, -1, err, sizeof(err)))
			_exit(100);
		_exit(fn());
	}
	int st;
	assert_int_equal(waitpid(p, &st, 0), p);
	return st;
}

/* A sanitizer build lets its runtime open files for reading (it reads
 * /proc/self/maps to look for leaks); every build refuses writing. */
#if defined(__SANITIZE_ADDRESS__)
#define READING_ALLOWED 1
#else
#define READING_ALLOWED 0
#endif

static int opens_a_file(void)
{
	int fd = open("/etc/passwd", O_RDONLY);
	if (READING_ALLOWED)
		return fd >= 0 ? 0 : 1;
	return fd < 0 && errno == EACCES ? 0 : 1;
}

static int opens_a_file_to_write(void)
{
	int fd = open("/tmp/rs-test-privdrop-not-written", O_WRONLY | O_CREAT, 0600);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

static int opens_a_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

/* Writing to an open descriptor is what the sandbox is for. */
static int writes_and_reads(void)
{
	return write(STDERR_FILENO, "", 0) == 0 ? 0 : 1;
}

static int execs(void)
{
	char *argv[] = { "true", NULL };
	execv("/bin/true", argv);
	return 1;   /* not reached: the filter kills the process */
}

static int sends(void)
{
	/* sendto on a descriptor that is not a socket: allowed by a sender's
	 * sandbox (the call itself fails with ENOTSOCK), fatal in another. */
	return sendto(STDERR_FILENO, "", 0, 0, NULL, 0) < 0 ? 0 : 0;
}

static void test_files_sandbox(void **state)
{
	(void)state;
	int st = in_sandbox(RS_SANDBOX_FILES, opens_a_file);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(RS_SANDBOX_FILES, opens_a_file_to_write);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(RS_SANDBOX_FILES, opens_a_socket);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(RS_SANDBOX_FILES, writes_and_reads);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(RS_SANDBOX_FILES, execs);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_sandbox(RS_SANDBOX_FILES, sends);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

static void test_send_sandbox(void **state)
{
	(void)state;
	int st = in_sandbox(RS_SANDBOX_SEND, sends);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(RS_SANDBOX_CAPTURE, sends);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_sandbox(RS_SANDBOX_SEND, execs);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rs_sandbox_kind_str(RS_SANDBOX_FILES), "files");
	assert_string_equal(rs_sandbox_kind_str(RS_SANDBOX_CAPTURE), "capture");
	assert_string_equal(rs_sandbox_kind_str(RS_SANDBOX_SEND), "send");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_files_sandbox),
		cmocka_unit_test(test_send_sandbox),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
