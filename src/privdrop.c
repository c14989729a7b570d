/* privdrop.c: switch to an unprivileged user and drop capabilities. */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "rawshake/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
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

uint64_t rs_caps_effective(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
}

bool rs_need_caps(uint64_t need, bool setcap_ok, char *err, size_t errlen)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ RS_CAP_NET_RAW, "cap_net_raw" },
		{ RS_CAP_NET_ADMIN, "cap_net_admin" },
		{ RS_CAP_SYS_ADMIN, "cap_sys_admin" },
	};
	uint64_t missing = need & ~rs_caps_effective();
	char all[64] = "", lack[64] = "";

	if (!missing)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (need & names[i].bit)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
				 all[0] ? "," : "", names[i].name);
		if (missing & names[i].bit)
			snprintf(lack + strlen(lack), sizeof(lack) - strlen(lack), "%s%s",
				 lack[0] ? ", " : "", names[i].name);
	}
	if (setcap_ok)
		snprintf(err, errlen, "needs %s (missing: %s): run as root, or give the binary "
				      "the capabilities with 'setcap %s+ep rawshake'", all, lack, all);
	else
		snprintf(err, errlen, "needs root with %s (missing: %s): run as root (sudo)",
			 all, lack);
	return false;
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
