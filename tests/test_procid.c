/* test_procid.c: what rawshake checks before it trusts state a process left outside itself: the tools it runs as root (found in the system directories only) and who a pid is now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>
#include <cmocka.h>

#include "rawshake/procid.h"
#include "rawshake/toolpath.h"

static void test_toolpath(void **state)
{
	(void)state;
	char path[64], err[256];
	/* sh is in one of the directories on every system that runs this. */
	assert_true(rs_toolpath_find("sh", NULL, path, sizeof(path), err, sizeof(err)));
	assert_true(strcmp(path, "/usr/sbin/sh") == 0 || strcmp(path, "/usr/bin/sh") == 0 ||
		    strcmp(path, "/sbin/sh") == 0 || strcmp(path, "/bin/sh") == 0);
	/* PATH plays no part: a directory of ours first in it changes nothing. */
	char dir[] = "/tmp/rawshake-toolpath.XXXXXX", fake[64];
	assert_non_null(mkdtemp(dir));
	snprintf(fake, sizeof(fake), "%s/rawshake-no-such-tool", dir);
	FILE *f = fopen(fake, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(fake, 0755), 0);
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;
	setenv("PATH", dir, 1);
	assert_false(rs_toolpath_find("rawshake-no-such-tool", "rawshake-pkg", path, sizeof(path), err,
				      sizeof(err)));
	assert_string_equal(path, "");
	assert_string_equal(err, "rawshake-no-such-tool is not installed (looked in /usr/sbin, "
				 "/usr/bin, /sbin and /bin, not in PATH): apt-get install rawshake-pkg");
	if (saved) {
		setenv("PATH", saved, 1);
		free(saved);
	}
	unlink(fake);
	rmdir(dir);
	/* Not a name: a path would leave the directories. */
	assert_false(rs_toolpath_find("../tmp/ip", NULL, path, sizeof(path), err, sizeof(err)));
	assert_false(rs_toolpath_find("", NULL, path, sizeof(path), err, sizeof(err)));
	/* Too small a buffer finds nothing rather than a cut path. */
	assert_false(rs_toolpath_find("sh", NULL, path, 6, err, sizeof(err)));
	assert_true(strcmp(rs_toolpath_env[0], "PATH=/usr/sbin:/usr/bin:/sbin:/bin") == 0);
}

static void test_starttime(void **state)
{
	(void)state;
	unsigned long long a, b;
	assert_true(rs_proc_starttime(getpid(), &a));
	assert_true(rs_proc_starttime(getpid(), &b));
	assert_true(a == b);
	/* A child started after us has a later (or equal: one tick) start. */
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	assert_true(c > 0);
	unsigned long long t;
	assert_true(rs_proc_starttime(c, &t));
	assert_true(t >= a);
	kill(c, SIGKILL);
	/* A zombie has ended. */
	for (int i = 0; i < 200; i++) {
		char path[64], st[512];
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)c);
		FILE *f = fopen(path, "r");
		if (!f || !fgets(st, sizeof(st), f) || strstr(st, ") Z ")) {
			if (f)
				fclose(f);
			break;
		}
		fclose(f);
		usleep(5000);
	}
	assert_false(rs_proc_starttime(c, &t));
	waitpid(c, NULL, 0);
	assert_false(rs_proc_starttime(c, &t));
	assert_false(rs_proc_starttime(0, &t));
	assert_false(rs_proc_starttime(-1, &t));
}

static void test_identity(void **state)
{
	(void)state;
	char buf[4096], *argv[4];
	int argc = rs_proc_argv(getpid(), buf, sizeof(buf), argv, 4);
	assert_true(argc >= 1);
	assert_non_null(strstr(argv[0], "test_procid"));
	assert_true(rs_proc_exe_is(getpid(), "/proc/self/exe"));
	assert_false(rs_proc_exe_is(getpid(), "/bin/sh"));
	assert_true(rs_proc_in_netns(getpid(), "/proc/self/ns/net"));
	assert_false(rs_proc_in_netns(getpid(), "/proc/self/ns/mnt"));
	assert_int_equal(rs_proc_argv(0, buf, sizeof(buf), argv, 4), -1);
}

static void test_listens(void **state)
{
	(void)state;
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	uint16_t port = ntohs(a.sin6_port);
	/* Bound is not listening. */
	assert_false(rs_proc_listens_tcp(getpid(), port));
	assert_int_equal(listen(s, 1), 0);
	assert_true(rs_proc_listens_tcp(getpid(), port));
	/* Another process does not hold it (it closes its copy, then says so). */
	int sync[2];
	char b;
	assert_int_equal(pipe(sync), 0);
	pid_t c = fork();
	if (c == 0) {
		close(s);
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(sync[0], &b, 1), 1);
	close(sync[0]);
	close(sync[1]);
	assert_false(rs_proc_listens_tcp(c, port));
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	close(s);
	assert_false(rs_proc_listens_tcp(getpid(), port));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toolpath),
		cmocka_unit_test(test_starttime),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_listens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
