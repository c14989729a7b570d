/* datafile.h: the one --data-file loader (send, connect). */
#ifndef RAWSHAKE_DATAFILE_H
#define RAWSHAKE_DATAFILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads all of path (a file, a pipe, standard input as "-" is not
 * special) into a buffer of its own, refusing more than max bytes: the
 * buffer (free() it; non-NULL even when empty) and its length, or NULL
 * with "PATH: REASON" in err. */
uint8_t *rs_datafile_load(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* --data STRING (rs_unescape's escapes) into a buffer of its own, as
 * rs_datafile_load gives a file's: free() it; NULL when out of memory. */
uint8_t *rs_datafile_unescape(const char *s, size_t *len);

#endif
