/*
 * privdrop.h: giving up privileges once the sockets, capture handles and
 * output files are open, before a single untrusted byte is parsed
 * (OpenBSD's tcpdump does the same).
 */
#ifndef RAWSHAKE_PRIVDROP_H
#define RAWSHAKE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capability masks for rs_need_caps(), bit numbers as in linux/capability.h. */
#define RS_CAP_NET_ADMIN (UINT64_C(1) << 12)
#define RS_CAP_NET_RAW (UINT64_C(1) << 13)
#define RS_CAP_SYS_ADMIN (UINT64_C(1) << 21)

/* This process's effective capabilities (capget); 0 when unknown. */
uint64_t rs_caps_effective(void);

/*
 * True when every capability in `need` is effective, whoever the user is
 * (root, or a binary given them with setcap).  Otherwise false, with err
 * naming what is missing and how to get it: run as root, or
 * 'setcap cap_net_raw,cap_net_admin+ep' on the binary when `setcap_ok`
 * (false for what only root can do, such as the lab).
 */
bool rs_need_caps(uint64_t need, bool setcap_ok, char *err, size_t errlen);

/*
 * Started as root: switch to `user` (supplementary groups, gid, uid) unless
 * user is "root"; the default user is "nobody".  Started as another user
 * with file capabilities (setcap): drop every capability.  Then check that
 * root cannot be regained.  Returns false with a reason on failure.
 */
bool rs_drop_privileges(const char *user, char *err, size_t errlen);

/*
 * What a sandboxed process still does once its descriptors are open:
 * every kind reads and writes open descriptors, maps memory and keeps
 * time; a capture also polls and receives on its socket; a sender also
 * sends on its raw socket.
 */
enum rs_sandbox_kind {
	RS_SANDBOX_FILES,     /* read, detect -r: capture files in, text out */
	RS_SANDBOX_CAPTURE,   /* sniff, detect -i: a live capture */
	RS_SANDBOX_SEND,      /* send: raw sockets out (from threads), a capture of the replies */
};
/* "files", "capture", "send" */
const char *rs_sandbox_kind_str(enum rs_sandbox_kind k);

/*
 * Locks this process in, after rs_drop_privileges() and once every file,
 * socket and capture handle it needs is open (as OpenBSD's pledge and
 * tcpdump's sandbox do): no_new_privs, so that no exec can gain
 * privileges, and a seccomp filter that allows only the system calls of
 * `kind`; any other kills the process, except opening a file or a
 * socket, which fails with EACCES.  query_fd (or -1) is a socket the
 * process may still send on: the netlink socket sniff -i any asks for
 * interface names.  Returns false with a reason when the kernel refuses (no
 * seccomp); the caller decides whether to go on.
 */
bool rs_sandbox_enter(enum rs_sandbox_kind kind, int query_fd, char *err, size_t errlen);

#endif
