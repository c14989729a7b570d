/* test_procid.c: what rawshake checks before it trusts state outside its process: the tools it runs as root (found in the system directories only). */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toolpath),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
