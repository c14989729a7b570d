/* privdrop.c: switch to an unprivileged user, drop every capability for good, and the seccomp sandbox. */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "rawshake/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <linux/sockios.h>
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

/* The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
static int cap_last(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0)
			return atoi(buf);
	}
	return 63;
}

/* Empties the bounding set (needs CAP_SETPCAP: as root, before the uid
 * changes) and the ambient set, so that no exec can bring a capability
 * back, whatever file capabilities it finds. */
static bool drop_bounding_and_ambient(char *err, size_t errlen)
{
	int last = cap_last();
	for (int cap = 0; cap <= last; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
			snprintf(err, errlen, "cannot empty the capability bounding set: %s",
				 strerror(errno));
			return false;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		snprintf(err, errlen, "cannot clear the ambient capabilities: %s", strerror(errno));
		return false;
	}
	return true;
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
		 * once the handles are open.  The bounding set cannot be emptied
		 * without CAP_SETPCAP; no_new_privs (rs_sandbox_enter) keeps an
		 * exec from using it. */
		if (!clear_caps() ||
		    (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)) {
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
	if (!drop_bounding_and_ambient(err, errlen))
		return false;
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

/* ---- the sandbox -------------------------------------------------------- */

#if defined(__x86_64__)
#define RS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define RS_AUDIT_ARCH AUDIT_ARCH_I386
#endif

/* The address sanitizer's runtime (CI's sanitizer build) reads
 * /proc/self/maps and stops the world with a ptrace'd clone to look for
 * leaks at exit; its build allows that too. */
#if defined(__SANITIZE_ADDRESS__)
#define RS_SANITIZER_RUNTIME 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RS_SANITIZER_RUNTIME 1
#endif
#endif

const char *rs_sandbox_kind_str(enum rs_sandbox_kind k)
{
	switch (k) {
	case RS_SANDBOX_FILES: return "files";
	case RS_SANDBOX_CAPTURE: return "capture";
	case RS_SANDBOX_SEND: return "send";
	}
	return "?";
}

#ifdef RS_AUDIT_ARCH
/* Every kind: descriptors already open, memory, time, signals, exit. */
static const int base_calls[] = {
	__NR_read, __NR_readv, __NR_pread64, __NR_write, __NR_writev, __NR_pwrite64,
	__NR_lseek, __NR_close, __NR_fstat, __NR_newfstatat, __NR_fcntl, __NR_sysinfo,
	__NR_fsync, __NR_fdatasync, __NR_ftruncate,
	__NR_mmap, __NR_munmap, __NR_mremap, __NR_mprotect, __NR_madvise, __NR_brk,
	__NR_clock_gettime, __NR_clock_nanosleep, __NR_nanosleep, __NR_gettimeofday,
	__NR_rt_sigreturn, __NR_rt_sigaction, __NR_rt_sigprocmask, __NR_sigaltstack,
	__NR_restart_syscall, __NR_futex, __NR_getrandom, __NR_sched_yield,
	__NR_getpid, __NR_gettid, __NR_tgkill, __NR_exit, __NR_exit_group, __NR_ppoll,
#ifdef __NR_poll
	__NR_poll,
#endif
#ifdef __NR_statx
	__NR_statx,
#endif
#ifdef __NR_fstat64
	__NR_fstat64,
#endif
#ifdef __NR_rseq
	__NR_rseq,
#endif
};
/* A live capture: waiting on the socket, its statistics, stopping it. */
static const int capture_calls[] = {
	__NR_pselect6, __NR_recvfrom, __NR_recvmsg, __NR_getsockopt, __NR_setsockopt,
	__NR_uname,   /* libpcap asks the kernel version when going non-blocking */
#ifdef __NR_select
	__NR_select,
#endif
};
/* A sender: its raw sockets, and the threads of a flood. */
static const int send_calls[] = {
	__NR_sendto, __NR_sendmsg, __NR_sendmmsg, __NR_clone, __NR_set_robust_list,
	__NR_sched_getaffinity, __NR_getppid,
#ifdef __NR_clone3
	__NR_clone3,
#endif
};
#ifdef RS_SANITIZER_RUNTIME
static const int sanitizer_calls[] = {
	__NR_clone, __NR_ptrace, __NR_wait4, __NR_prctl, __NR_sched_getaffinity,
	__NR_readlinkat, __NR_getdents64, __NR_getppid, __NR_kill, __NR_pipe2, __NR_dup3,
#ifdef __NR_clone3
	__NR_clone3,
#endif
#ifdef __NR_readlink
	__NR_readlink, __NR_pipe, __NR_dup2, __NR_getdents,
#endif
};
#endif

#define NCALLS(a) (sizeof(a) / sizeof((a)[0]))
#ifdef RS_SANITIZER_RUNTIME
#define N_SANITIZER NCALLS(sanitizer_calls)
#else
#define N_SANITIZER 0
#endif
/* Two instructions a call or ioctl request, and the fixed ones: the
 * architecture check 3, the number's load 1, x32 2, the ioctl frame 3,
 * the query descriptor's sendto 5, the sanitizer's two opens 10, the
 * endings 7: 31 at most (a sanitizer build of the send kind once ran
 * past a slack of 24). */
#define FIXED_INSNS 31
#define MAX_INSNS (2 * (NCALLS(base_calls) + NCALLS(capture_calls) + NCALLS(send_calls) + \
			N_SANITIZER + NCALLS(ioctl_requests)) + FIXED_INSNS)

/* ioctl only asks: is it a terminal, its size, bytes waiting, a packet's
 * time stamp. */
static const uint32_t ioctl_requests[] = { TCGETS, TIOCGWINSZ, FIONREAD, SIOCGSTAMP, SIOCGSTAMPNS };

static void allow_ioctls(struct sock_filter *f, size_t *n)
{
	size_t k = NCALLS(ioctl_requests);
	f[(*n)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0,
						 (uint8_t)(k * 2 + 2));
	f[(*n)++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, args[1]));
	for (size_t i = 0; i < k; i++) {
		f[(*n)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ioctl_requests[i], 0, 1);
		f[(*n)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	/* Another request: refused, not fatal. */
	f[(*n)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
}

static void allow_all(struct sock_filter *f, size_t *n, const int *calls, size_t ncalls)
{
	for (size_t i = 0; i < ncalls; i++) {
		/* if (nr == calls[i]) return ALLOW; */
		f[(*n)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 (uint32_t)calls[i], 0, 1);
		f[(*n)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
}
#endif

bool rs_sandbox_enter(enum rs_sandbox_kind kind, int query_fd, char *err, size_t errlen)
{
	/* The time zone is read once, now: afterwards /etc/localtime cannot
	 * be opened, and local times would silently become UTC. */
	tzset();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return false;
	}
#ifdef RS_AUDIT_ARCH
	struct sock_filter f[MAX_INSNS];
	size_t n = 0;

	/* A system call of another architecture (x32, i386 on x86_64) is
	 * numbered differently: kill it. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RS_AUDIT_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
#ifdef __X32_SYSCALL_BIT
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
	allow_all(f, &n, base_calls, NCALLS(base_calls));
	allow_ioctls(f, &n);
	if (kind == RS_SANDBOX_CAPTURE || kind == RS_SANDBOX_SEND)
		allow_all(f, &n, capture_calls, NCALLS(capture_calls));
	if (kind == RS_SANDBOX_SEND)
		allow_all(f, &n, send_calls, NCALLS(send_calls));
	if (query_fd >= 0 && kind != RS_SANDBOX_SEND) {
		/* send(2) is sendto(2): allowed on that one descriptor. */
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 0, 4);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, args[0]));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)query_fd, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	}
#ifdef RS_SANITIZER_RUNTIME
	allow_all(f, &n, sanitizer_calls, NCALLS(sanitizer_calls));
	/* The runtime reads /proc/self/maps and /proc/self/task: opening for
	 * reading only is allowed (a file opened for writing still fails). */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, args[2]));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_WRONLY | O_RDWR, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
#ifdef __NR_open
	/* The same for open(2), whose flags are its second argument. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 4);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, args[1]));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_WRONLY | O_RDWR, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
#endif
#endif
	/* Opening a file or a socket is refused gently (a library that looks
	 * for a locale, or for a name through nscd, goes on without it);
	 * anything else that is not listed means the parser is doing what it
	 * never does. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
#ifdef __NR_open
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
#endif
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);

	if (n > MAX_INSNS)
		abort();   /* FIXED_INSNS is wrong: the stack is already overwritten */
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		snprintf(err, errlen, "cannot install the seccomp filter (%s sandbox): %s",
			 rs_sandbox_kind_str(kind), strerror(errno));
		return false;
	}
	return true;
#else
	(void)kind;
	snprintf(err, errlen, "no seccomp filter for this architecture: only no_new_privs is set");
	return false;
#endif
}
