/*
 * privdrop.h: giving up privileges once the sockets, capture handles and
 * output files are open, before a single untrusted byte is parsed
 * (OpenBSD's tcpdump does the same).
 */
#ifndef RAWSHAKE_PRIVDROP_H
#define RAWSHAKE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Started as root: switch to `user` (supplementary groups, gid, uid) unless
 * user is "root"; the default user is "nobody".  Started as another user
 * with file capabilities (setcap): drop every capability.  Then check that
 * root cannot be regained.  Returns false with a reason on failure.
 */
bool rs_drop_privileges(const char *user, char *err, size_t errlen);

#endif
