/* datafile.c: rs_datafile_load (datafile.h). */
#include "rawshake/datafile.h"
#include "rawshake/craft_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t *fail(int fd, uint8_t *b, char *err, size_t errlen, const char *path,
		     const char *why, size_t max)
{
	if (why)
		snprintf(err, errlen, "%s: %s", path, why);
	else
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
	free(b);
	if (fd >= 0)
		close(fd);
	return NULL;
}

uint8_t *rs_datafile_load(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *b = NULL;
	size_t cap = 0, n = 0;

	if (fd < 0)
		return fail(-1, NULL, err, errlen, path, strerror(errno), max);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return fail(fd, NULL, err, errlen, path, NULL, max);
	for (;;) {
		if (n == cap) {
			/* One byte more than max tells "exactly max" from "more". */
			if (cap > max)
				return fail(fd, b, err, errlen, path, NULL, max);
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1)
				cap = max + 1;
			uint8_t *nb = realloc(b, cap);
			if (!nb)
				return fail(fd, b, err, errlen, path, strerror(ENOMEM), max);
			b = nb;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(fd, b, err, errlen, path, strerror(errno), max);
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return fail(fd, b, err, errlen, path, NULL, max);
	}
	close(fd);
	*len = n;
	return b;
}

uint8_t *rs_datafile_unescape(const char *s, size_t *len)
{
	size_t cap = strlen(s) + 1;   /* an escape is never longer than its bytes */
	uint8_t *b = malloc(cap);

	if (b && !rs_unescape(s, b, cap, len)) {
		free(b);
		b = NULL;
	}
	return b;
}
