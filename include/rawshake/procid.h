/*
 * procid.h: telling a process from another that got its pid later.
 *
 * A pid written down by one run (the lab service's pid file, the pid in
 * an RST guard's table name) may name an unrelated process by the time
 * another run reads it.  These look at what the kernel says about the
 * process now: its start time, its network namespace, its executable and
 * the listening sockets it holds.
 */
#ifndef RAWSHAKE_PROCID_H
#define RAWSHAKE_PROCID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The process's start time in clock ticks since boot (field 22 of
 * /proc/PID/stat); false when there is no such process or it is a zombie
 * (it has ended). */
bool rs_proc_starttime(pid_t pid, unsigned long long *ticks);

/* True when the process is in the network namespace nspath names (such as
 * /run/netns/NAME): the same file as /proc/PID/ns/net. */
bool rs_proc_in_netns(pid_t pid, const char *nspath);

/* The process's arguments, NUL-separated in buf, pointers in argv
 * (at most maxargs); the count, -1 when it cannot be read. */
int rs_proc_argv(pid_t pid, char *buf, size_t buflen, char **argv, int maxargs);

/* True when the process runs the program at path: /proc/PID/exe is that
 * file, or the one that was at path before it was replaced (a rebuilt
 * binary: "PATH (deleted)"). */
bool rs_proc_exe_is(pid_t pid, const char *path);

/* True when the process holds a TCP socket listening on port (IPv4 or
 * IPv6) in its own network namespace. */
bool rs_proc_listens_tcp(pid_t pid, uint16_t port);

#endif
