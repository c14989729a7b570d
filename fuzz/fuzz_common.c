/* fuzz_common.c: the /dev/null writer every fuzz target prints through. */
#include "fuzz.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int fuzz_null_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			abort();
	}
	return fd;
}

struct rs_out *fuzz_out(void)
{
	static struct rs_out out;

	rs_out_init(&out, fuzz_null_fd());
	return &out;
}
