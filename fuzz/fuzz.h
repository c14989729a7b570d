/*
 * fuzz.h: what every fuzz target shares: the libFuzzer entry point and an
 * output writer that goes to /dev/null, so that the printers run on every
 * input without filling a terminal.
 */
#ifndef RAWSHAKE_FUZZ_H
#define RAWSHAKE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "rawshake/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A writer to /dev/null, opened once; emptied at the start of every input. */
struct rs_out *fuzz_out(void);
/* A descriptor on /dev/null for error reports. */
int fuzz_null_fd(void);

#endif
