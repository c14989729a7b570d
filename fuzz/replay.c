/*
 * replay.c: runs files through a fuzz target's LLVMFuzzerTestOneInput
 * without libFuzzer, so that `make check` replays every corpus with any
 * compiler.  Arguments are files or directories (every regular file in
 * them, not recursively); a directory that does not exist is an error.
 * Each input is copied into a buffer of exactly its size, so that
 * AddressSanitizer sees a read past its end.
 */
#include "fuzz.h"

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long nfiles;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		err(1, "%s", path);
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		err(1, "malloc");
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			cap *= 2;
			uint8_t *nb = realloc(buf, cap);
			if (!nb)
				err(1, "realloc");
			buf = nb;
		}
	}
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	/* An exact-size copy: the slack of buf would hide overreads. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact)
		err(1, "malloc");
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	nfiles++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		err(1, "%s", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		char *p = malloc(len);
		if (!p)
			err(1, "malloc");
		snprintf(p, len, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				err(1, "realloc");
			names = nn;
		}
		names[n++] = p;
	}
	closedir(d);
	/* In name order, so that a failure is reproducible. */
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			err(1, "%s", argv[i]);
		if (S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("replayed %lu inputs\n", nfiles);
	return 0;
}
