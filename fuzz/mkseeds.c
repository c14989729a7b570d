/*
 * mkseeds.c: turns capture files into seeds for fuzz_decode: one file per
 * packet (the first 64 of each capture), a selector byte naming its link
 * type as fuzz_decode.c numbers them, a zero length byte, then the bytes;
 * a link type outside that short table gets selector 15 and a byte with
 * its index in the library's table (rs_dlt_at).
 * Not built by make:
 *     cc -Iinclude -o mkseeds fuzz/mkseeds.c .libs/librawshake.a -lpcap &&
 *     ./mkseeds OUTDIR FILE...
 * then minimise into fuzz/corpus/decode with fuzz_decode -merge=1.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "rawshake/packet.h"

static const int dlts[] = {
	DLT_NULL, DLT_EN10MB, DLT_RAW, 12, 14, 101, DLT_LOOP,
	DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_IPV4, DLT_IPV6,
};

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	if (argc < 3) {
		fprintf(stderr, "usage: mkseeds OUTDIR FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		pcap_t *p = pcap_open_offline(argv[i], errbuf);
		if (!p)
			continue;
		int sel = -1, ext = -1, dlt = pcap_datalink(p);
		for (size_t k = 0; k < sizeof(dlts) / sizeof(dlts[0]); k++)
			if (dlts[k] == dlt)
				sel = (int)k;
		for (size_t k = 0; sel < 0 && k < rs_dlt_count(); k++)
			if (rs_dlt_at(k) == dlt)
				ext = (int)k;
		if (sel < 0 && ext >= 0)
			sel = 15;
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		struct pcap_pkthdr *h;
		const u_char *d;
		for (int n = 0; sel >= 0 && n < 64 && pcap_next_ex(p, &h, &d) == 1; n++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%d", argv[1], base, n);
			FILE *f = fopen(path, "wb");
			if (!f)
				continue;
			fputc(sel, f);
			fputc(0, f);
			if (sel == 15)
				fputc(ext, f);
			fwrite(d, 1, h->caplen, f);
			fclose(f);
		}
		pcap_close(p);
	}
	return 0;
}
