/* toolpath.c: find ip, nft ... in the system directories only (see toolpath.h for why). */
#include "config.h"
#include "rawshake/toolpath.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *const rs_toolpath_env[] = { "PATH=" RS_TOOLPATH_DIRS, "LC_ALL=C", NULL };

bool rs_toolpath_find(const char *name, const char *package, char *path, size_t pathlen,
		      char *err, size_t errlen)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

	/* A name with a slash would leave the directories. */
	if (!*name || strchr(name, '/')) {
		snprintf(err, errlen, "'%s' is not a program name", name);
		return false;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct stat st;
		int n = snprintf(path, pathlen, "%s/%s", dirs[i], name);
		if (n < 0 || (size_t)n >= pathlen)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return true;
	}
	if (pathlen)
		path[0] = '\0';
	snprintf(err, errlen, "%s is not installed (looked in /usr/sbin, /usr/bin, /sbin and /bin, "
			      "not in PATH)%s%s", name, package ? ": apt-get install " : "",
		 package ? package : "");
	return false;
}
