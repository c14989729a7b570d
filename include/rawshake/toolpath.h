/*
 * toolpath.h: the programs rawshake runs as root (ip, nft), found only in
 * a fixed list of system directories, never through the caller's PATH.
 *
 * The lab and connect run as root; a PATH that begins with a directory
 * the user controls (or a relative one) would otherwise let them run
 * another "ip" or "nft" as root.  Children get a fixed environment too.
 */
#ifndef RAWSHAKE_TOOLPATH_H
#define RAWSHAKE_TOOLPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Where a tool is looked for, in this order. */
#define RS_TOOLPATH_DIRS "/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Fills path with DIR/name for the first DIR of RS_TOOLPATH_DIRS that has
 * an executable regular file of that name.  False when none has, with a
 * message in err naming the directories searched and `package`, the
 * Debian package that installs it (may be NULL).
 */
bool rs_toolpath_find(const char *name, const char *package, char *path, size_t pathlen,
		      char *err, size_t errlen);

/* The environment for a tool run as root: PATH=RS_TOOLPATH_DIRS, LC_ALL=C
 * (messages in English, as they are quoted in ours), nothing else. */
extern char *const rs_toolpath_env[];

#endif
