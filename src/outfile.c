/* outfile.c: output files opened safely, written a whole record at a time, cut back to the last whole record when a write fails. */
#define _GNU_SOURCE 1   /* open_memstream */
#include "config.h"
#include "rawshake/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A descriptor named by a path: standard output, /dev/fd/N or
 * /proc/self/fd/N (what a shell's >(cmd) passes); -1 for any other path. */
static int named_fd(const char *path)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t k = strlen(prefixes[i]);
		const char *d = path + k;
		if (strncmp(path, prefixes[i], k) != 0 || *d < '0' || *d > '9')
			continue;
		long v = 0;
		for (; *d >= '0' && *d <= '9' && v < 1000000; d++)
			v = v * 10 + (*d - '0');
		if (*d == '\0')
			return (int)v;
	}
	return -1;
}

bool rs_outfile_names_descriptor(const char *path)
{
	return named_fd(path) >= 0;
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)uid);
	return buf;
}

/* Whether an existing file st may be written by the user we are; if not,
 * why, in why. */
static bool may_overwrite(const struct stat *st, char *why, size_t whylen)
{
	char owner[64], me[64];

	if (S_ISLNK(st->st_mode)) {
		snprintf(why, whylen, "is a symbolic link: not followed (name the file itself)");
		return false;
	}
	if (S_ISDIR(st->st_mode)) {
		snprintf(why, whylen, "%s", strerror(EISDIR));
		return false;
	}
	if (S_ISCHR(st->st_mode))
		return true;   /* /dev/null, a terminal: only root makes them */
	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode)) {
		snprintf(why, whylen, "not a regular file, a FIFO or a character device: not written");
		return false;
	}
	if (st->st_uid != geteuid()) {
		snprintf(why, whylen, "exists and belongs to %s, not to %s: not overwritten "
			 "(remove it or choose another name)",
			 user_name(st->st_uid, owner, sizeof(owner)),
			 user_name(geteuid(), me, sizeof(me)));
		return false;
	}
	if (S_ISREG(st->st_mode) && st->st_nlink != 1) {
		snprintf(why, whylen, "has %lu hard links: not overwritten (remove it or choose "
			 "another name)", (unsigned long)st->st_nlink);
		return false;
	}
	return true;
}

/* The descriptor for path, or -1 with errno (0 when why says it). */
static int open_path(const char *path, char *why, size_t whylen)
{
	struct stat st, got;

	why[0] = '\0';
	/* A new file: never through a link, never someone else's. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 || errno != EEXIST)
		return fd;

	if (lstat(path, &st) < 0)
		return -1;
	if (!may_overwrite(&st, why, whylen)) {
		errno = 0;
		return -1;
	}
	/* Not blocking on a FIFO put where a regular file was (the checks
	 * below refuse it); one we were asked for waits for its reader, as
	 * tcpdump's does. */
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISFIFO(st.st_mode) ? 0 : O_NONBLOCK));
	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(why, whylen, "is a symbolic link: not followed (name the file itself)");
			errno = 0;
		}
		return -1;
	}
	/* What was opened is what was checked, not a file put there since. */
	if (fstat(fd, &got) < 0 || got.st_dev != st.st_dev || got.st_ino != st.st_ino ||
	    !may_overwrite(&got, why, whylen)) {
		if (!why[0])
			snprintf(why, whylen, "changed while it was opened: not written");
		close(fd);
		errno = 0;
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    (S_ISREG(got.st_mode) && ftruncate(fd, 0) < 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

bool rs_outfile_open(struct rs_outfile *f, const char *path, const char *as_user, char *err,
		     size_t errlen)
{
	char why[256];
	struct stat st;
	int fd, given = named_fd(path);

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (given >= 0) {
		/* The caller's descriptor: it must be open for writing. */
		int fl = fcntl(given, F_GETFL);
		if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY) {
			f->err = fl < 0 ? errno : EBADF;
			snprintf(err, errlen, "%s: %s", strcmp(path, "-") == 0 ? "standard output" : path,
				 fl < 0 ? strerror(errno) : "not open for writing");
			return false;
		}
		fd = fcntl(given, F_DUPFD_CLOEXEC, 3);
		f->to_stdout = given == STDOUT_FILENO;
		why[0] = '\0';
	} else {
		fd = open_path(path, why, sizeof(why));
	}
	if (fd < 0) {
		f->err = errno ? errno : EPERM;
		if (why[0])
			snprintf(err, errlen, "%s: %s", path, why);
		else if (f->err == EACCES && as_user)
			snprintf(err, errlen, "%s: %s (opened as %s, the -Z user, once privileges are "
				 "dropped: write where %s may, or give -Z a user who may)", path,
				 strerror(f->err), as_user, as_user);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(f->err));
		return false;
	}
	f->buf = malloc(RS_OUTFILE_BUFSIZE);
	if (!f->buf) {
		close(fd);
		f->err = ENOMEM;
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return false;
	}
	f->fd = fd;
	/* A regular file (also standard output redirected to one) is cut
	 * back to its last whole record when a write fails; it may not
	 * start at 0 (>> appends). */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t at = lseek(fd, 0, SEEK_CUR);
		if (at >= 0) {
			f->regular = true;
			f->start = (uint64_t)at;
		}
	}
	return true;
}

/* Counts the records that ended within the first `upto` bytes of the
 * buffer (now on file) and forgets them. */
static void account(struct rs_outfile *f, uint64_t base, size_t upto)
{
	unsigned k = 0;
	while (k < f->nends && f->ends[k].end <= upto) {
		f->whole = base + f->ends[k].end;
		f->records += f->ends[k].counted;
		k++;
	}
	memmove(f->ends, f->ends + k, (f->nends - k) * sizeof(f->ends[0]));
	f->nends -= k;
	for (unsigned i = 0; i < f->nends; i++)
		f->ends[i].end -= (uint32_t)upto;
}

/* Writes the first `upto` bytes of the buffer and keeps the rest.  On a
 * failure the first errno is kept, and a regular file is cut back to its
 * last whole record: a reader finds every record written before and
 * nothing half-written after. */
static bool drain(struct rs_outfile *f, size_t upto)
{
	uint64_t base = f->off;
	size_t done = 0;

	if (f->err)
		return false;
	while (done < upto) {
		ssize_t w = write(f->fd, f->buf + done, upto - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->err = w < 0 ? errno : EIO;
			account(f, base, done);
			if (f->regular && f->off + done > f->whole)
				(void)!ftruncate(f->fd, (off_t)(f->start + f->whole));
			f->off += done;
			f->n = f->rec = 0;
			f->nends = 0;
			return false;
		}
		done += (size_t)w;
	}
	f->off += done;
	account(f, base, upto);
	memmove(f->buf, f->buf + upto, f->n - upto);
	f->n -= upto;
	f->rec -= upto < f->rec ? upto : f->rec;
	return true;
}

void rs_outfile_put(struct rs_outfile *f, const void *p, size_t n)
{
	const uint8_t *s = p;

	while (n > 0 && !f->err) {
		if (f->n == RS_OUTFILE_BUFSIZE) {
			/* Full: out with the whole records; a record larger than
			 * the buffer goes out in parts (a failure cuts it off). */
			if (!drain(f, f->rec > 0 ? f->rec : f->n))
				return;
		}
		size_t k = RS_OUTFILE_BUFSIZE - f->n;
		if (k > n)
			k = n;
		memcpy(f->buf + f->n, s, k);
		f->n += k;
		s += k;
		n -= k;
	}
}

bool rs_outfile_end(struct rs_outfile *f, bool counted)
{
	if (f->err)
		return false;
	f->ends[f->nends].end = (uint32_t)f->n;
	f->ends[f->nends].counted = counted;
	f->nends++;
	f->rec = f->n;
	if (f->nends == RS_OUTFILE_ENDS)
		return drain(f, f->n);
	return true;
}

bool rs_outfile_flush(struct rs_outfile *f)
{
	if (f->err)
		return false;
	return f->rec == 0 || drain(f, f->rec);
}

bool rs_outfile_close(struct rs_outfile *f)
{
	if (f->fd >= 0) {
		rs_outfile_flush(f);
		if (close(f->fd) < 0 && !f->err)
			f->err = errno;
		f->fd = -1;
	}
	free(f->buf);
	f->buf = NULL;
	return f->err == 0;
}

/* libpcap's own file header for dlt (its DLT_ to LINKTYPE_ map is not
 * public): pcap_dump_fopen on a memory stream. */
static bool libpcap_header(int dlt, uint32_t snaplen, bool nano, uint8_t hdr[24])
{
	char *mem = NULL;
	size_t len = 0;
	bool ok = false;
	pcap_t *p = pcap_open_dead_with_tstamp_precision(
		dlt, (int)snaplen, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	FILE *m = p ? open_memstream(&mem, &len) : NULL;

	if (m) {
		pcap_dumper_t *d = pcap_dump_fopen(p, m);
		if (d) {
			pcap_dump_close(d);   /* closes m: mem and len are final */
			ok = len == 24;
			if (ok)
				memcpy(hdr, mem, 24);
		} else {
			fclose(m);
		}
		free(mem);
	}
	if (p)
		pcap_close(p);
	return ok;
}

int rs_outfile_linktype(int dlt)
{
	uint8_t hdr[24];
	uint32_t lt;

	if (!libpcap_header(dlt, 65535, false, hdr))
		return -1;
	memcpy(&lt, hdr + 20, 4);
	return (int)(lt & 0x03ffffffu);   /* the high bits are FCS flags */
}

bool rs_outfile_pcap_header(struct rs_outfile *f, int dlt, uint32_t snaplen, bool nano,
			    char *err, size_t errlen)
{
	uint8_t hdr[24];

	if (!libpcap_header(dlt, snaplen, nano, hdr)) {
		snprintf(err, errlen, "link type %s (%d) cannot be saved in a pcap file",
			 pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?", dlt);
		return false;
	}
	rs_outfile_put(f, hdr, sizeof(hdr));
	if (!rs_outfile_end(f, false) || !rs_outfile_flush(f)) {
		snprintf(err, errlen, "%s", strerror(f->err));
		return false;
	}
	return true;
}

bool rs_outfile_pcap_record(struct rs_outfile *f, const struct pcap_pkthdr *h,
			    const uint8_t *bytes)
{
	/* struct pcap_sf_pkthdr: 32-bit seconds and fraction, as pcap_dump. */
	uint32_t rh[4] = { (uint32_t)h->ts.tv_sec, (uint32_t)h->ts.tv_usec, h->caplen, h->len };

	rs_outfile_put(f, rh, sizeof(rh));
	rs_outfile_put(f, bytes, h->caplen);
	return rs_outfile_end(f, true);
}
