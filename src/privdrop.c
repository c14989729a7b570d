/* privdrop.c: switch to an unprivileged user and drop capabilities. */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "rawshake/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Clears the effective, permitted and inheritable capability sets. */
static bool clear_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) == 0;
}

bool rs_drop_privileges(const char *user, char *err, size_t errlen)
{
	if (!user)
		user = "nobody";
	if (geteuid() != 0 || getuid() != 0) {
		/* Not root: maybe capabilities from setcap; they are not needed
		 * once the handles are open. */
		if (!clear_caps()) {
			snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
			return false;
		}
		return true;
	}
	if (strcmp(user, "root") == 0)
		return true;   /* -Z root: asked to keep them */

	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "cannot drop privileges: no user '%s'", user);
		return false;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "cannot drop privileges: user '%s' is root", user);
		return false;
	}
	if (setgroups(1, &pw->pw_gid) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot switch to user '%s': %s", user, strerror(errno));
		return false;
	}
	/* Paranoia, as OpenBSD does it: root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "privileges could be regained after switching to '%s'", user);
		return false;
	}
	return true;
}
