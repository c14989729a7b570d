/*
 * pcapng_writer.h: writes a pcapng file (one section, one interface; read -w adds more), as
 * dumpcap does by default: a Section Header Block naming rawshake, an
 * Interface Description Block with the link type, snap length, name and
 * timestamp resolution (for "any", one interface of link type Linux
 * cooked v2, as dumpcap writes it), one Enhanced Packet Block per packet
 * (with epb_flags when the direction is known) and, at the end, an
 * Interface Statistics Block with the capture counters.
 * libpcap 1.10 reads pcapng but cannot write it.  Byte order: the host's
 * (the Section Header Block's magic says which).
 * Every block is one record of an rs_outfile (outfile.h): a write that
 * fails leaves the file ending with its last whole block.
 */
#ifndef RAWSHAKE_PCAPNG_WRITER_H
#define RAWSHAKE_PCAPNG_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <pcap/pcap.h>

#include "rawshake/outfile.h"
#include "rawshake/packet.h"

#define RS_PCAPNG_MAX_IFS 64

struct rs_pcapng_writer {
	struct rs_outfile *f;   /* f->err says why a write failed */
	bool nano;       /* the file's default: ts.tv_usec holds nanoseconds; if_tsresol 9 */
	uint32_t nifs;
	bool if_nano[RS_PCAPNG_MAX_IFS];   /* each interface's resolution */
};

struct rs_pcapng_stats {
	struct timespec taken;          /* when they were taken */
	uint64_t received;              /* isb_ifrecv */
	uint64_t dropped_os;            /* isb_osdrop: the kernel's buffer was full */
	uint64_t dropped_if;            /* isb_ifdrop: the interface dropped them */
	uint64_t delivered;             /* isb_usrdeliv: written to this file */
};

/* Writes the section and interface headers to f (open) and flushes
 * them.  linktype is a LINKTYPE_ value (rs_outfile_linktype of a DLT_);
 * appl may be NULL; ifname may be NULL.  False once a write failed. */
bool rs_pcapng_open(struct rs_pcapng_writer *w, struct rs_outfile *f, int linktype,
		    uint32_t snaplen, const char *ifname, const char *appl, bool nano);
/* Only the Section Header Block: appl (shb_userappl) and comment
 * (opt_comment) may be NULL; interfaces follow with
 * rs_pcapng_add_interface(_res).  False once a write failed. */
bool rs_pcapng_section(struct rs_pcapng_writer *w, struct rs_outfile *f, const char *appl,
		       const char *comment, bool nano);
/* One packet: h->caplen bytes of `bytes`, h->len on the wire; its
 * direction goes into epb_flags (nothing when RS_PKT_DIR_UNKNOWN).
 * Counted in f->records. */
bool rs_pcapng_write(struct rs_pcapng_writer *w, const struct pcap_pkthdr *h,
		     const uint8_t *bytes, enum rs_pkt_dir dir);
/* Another interface, numbered from 1 in the order added (rs_pcapng_open
 * wrote interface 0), with the file's resolution; its packets go through
 * rs_pcapng_write_on.  False once a write failed. */
bool rs_pcapng_add_interface(struct rs_pcapng_writer *w, int linktype, uint32_t snaplen,
			     const char *ifname);
/* The same with the interface's own resolution (nano: if_tsresol 9,
 * else 6); false also when RS_PCAPNG_MAX_IFS interfaces are there. */
bool rs_pcapng_add_interface_res(struct rs_pcapng_writer *w, int linktype, uint32_t snaplen,
				 const char *ifname, bool nano);
/* rs_pcapng_write on interface ifid (h->ts.tv_usec in its unit). */
bool rs_pcapng_write_on(struct rs_pcapng_writer *w, uint32_t ifid, const struct pcap_pkthdr *h,
			const uint8_t *bytes, enum rs_pkt_dir dir);
/* The same with n_comments opt_comment options, comment_len[i] bytes of
 * comment[i] each (UTF-8, no NUL; an empty one is left out). */
bool rs_pcapng_write_notes(struct rs_pcapng_writer *w, uint32_t ifid, const struct pcap_pkthdr *h,
			   const uint8_t *bytes, enum rs_pkt_dir dir, const uint8_t *const *comment,
			   const uint16_t *comment_len, unsigned n_comments);
bool rs_pcapng_write_stats(struct rs_pcapng_writer *w, const struct rs_pcapng_stats *st);

#endif
