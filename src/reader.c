/* reader.c: the Internet checksum over bounds-checked windows (RFC 1071). */
#include "rawshake/reader.h"

uint32_t rs_csum_add(uint32_t sum, const struct rs_reader *r)
{
	size_t i = 0;

	for (; i + 1 < r->len; i += 2)
		sum += (uint32_t)((r->p[i] << 8) | r->p[i + 1]);
	if (i < r->len)
		sum += (uint32_t)(r->p[i] << 8);
	/* Fold now and then so that a long window cannot overflow 32 bits. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t rs_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
