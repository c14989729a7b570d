/* capwrite.c: read -w: the packets shown, written to a pcap or pcapng file as they were read. */
#include "rawshake/capwrite.h"

#include <stdio.h>
#include <string.h>

/* A snapshot length no input gave: libpcap's largest. */
#define FALLBACK_SNAPLEN 262144u

static const char *dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "?";
}

bool rs_capwrite_open(struct rs_capwrite *w, const char *path, bool pcapng, const char *as_user,
		      char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->pcapng = pcapng;
	w->dlt = -1;
	w->snaplen = FALLBACK_SNAPLEN;
	return rs_outfile_open(&w->file, path, as_user, err, errlen);
}

void rs_capwrite_annotate(struct rs_capwrite *w, char *const *files, int n)
{
	size_t len = 0;

	w->pcapng = true;
	w->annotate = true;
	len = (size_t)snprintf(w->sources, sizeof(w->sources), "explained by rawshake from");
	for (int i = 0; i < n && len < sizeof(w->sources); i++)
		len += (size_t)snprintf(w->sources + len, sizeof(w->sources) - len, "%s %s",
					i ? "," : "", strcmp(files[i], "-") ? files[i] : "standard input");
}

/* The section header, once: annotated, it names rawshake and the inputs. */
static bool pcapng_start(struct rs_capwrite *w)
{
	if (w->started)
		return true;
	w->started = true;
	return rs_pcapng_section(&w->ng, &w->file, "rawshake", w->annotate ? w->sources : NULL, true);
}

/* Whether interface i is the one for a packet of these. */
static bool same_interface(const struct rs_capwrite *w, const struct rs_capwrite_if *i, int dlt,
			   const char *name, bool nano)
{
	if (i->dlt != dlt)
		return false;
	if (!w->annotate)
		return true;   /* one interface per link type */
	return i->nano == nano && i->snaplen == w->snaplen &&
	       strncmp(i->name, name ? name : "", sizeof(i->name) - 1) == 0;
}

/* The interface for a packet of link type dlt (annotated: also of that
 * name and resolution), added when it is the first such; -1 when the
 * file has no room for another (w->refusal says so) or the write failed. */
static int pcapng_interface(struct rs_capwrite *w, int dlt, const char *name, bool nano)
{
	for (unsigned i = 0; i < w->nifs; i++)
		if (same_interface(w, &w->ifs[i], dlt, name, nano))
			return (int)i;
	int lt = rs_outfile_linktype(dlt);
	if (lt < 0 || w->nifs == RS_CAPWRITE_MAX_IFS) {
		if (lt < 0)
			snprintf(w->refusal, sizeof(w->refusal),
				 "link type %s (%d) cannot be saved in a pcapng file", dlt_name(dlt), dlt);
		else
			snprintf(w->refusal, sizeof(w->refusal),
				 "%s %s (%d) would be the file's interface number %d: %d are "
				 "kept at most", w->annotate ? "an interface of link type" : "link type",
				 dlt_name(dlt), dlt, RS_CAPWRITE_MAX_IFS + 1, RS_CAPWRITE_MAX_IFS);
		return -1;
	}
	struct rs_capwrite_if *i = &w->ifs[w->nifs];
	i->dlt = dlt;
	i->nano = w->annotate ? nano : true;
	i->snaplen = w->snaplen;
	snprintf(i->name, sizeof(i->name), "%s", w->annotate && name ? name : "");
	if (!pcapng_start(w) ||
	    !rs_pcapng_add_interface_res(&w->ng, lt, w->snaplen, i->name[0] ? i->name : NULL,
					 i->nano))
		return -1;
	return (int)w->nifs++;
}

/* The header of a pcap file for dlt; false when it cannot hold it
 * (w->refusal) or the write failed. */
static bool pcap_start(struct rs_capwrite *w, int dlt, bool nano)
{
	char err[256];

	w->started = true;
	w->dlt = dlt;
	w->nano = nano;
	if (rs_outfile_pcap_header(&w->file, dlt, w->snaplen, nano, err, sizeof(err)))
		return true;
	if (!w->file.err)
		snprintf(w->refusal, sizeof(w->refusal), "%s", err);
	return false;
}

bool rs_capwrite_input(struct rs_capwrite *w, int dlt, uint32_t snaplen, uint8_t ts_digits,
		       char *err, size_t errlen)
{
	w->snaplen = snaplen ? snaplen : FALLBACK_SNAPLEN;
	if (dlt < 0 || rs_capwrite_stopped(w))
		return true;
	if (w->annotate) {
		/* Interfaces come with the packets, named as theirs are; the
		 * link type is checked now, as for a plain pcapng file. */
		if (rs_outfile_linktype(dlt) >= 0) {
			if (w->dlt < 0) {
				w->dlt = dlt;   /* for a file no packet gave an interface */
				w->nano = ts_digits > 6;
			}
			pcapng_start(w);   /* a failed write is no refusal (w->file.err) */
			return true;
		}
		snprintf(w->refusal, sizeof(w->refusal),
			 "link type %s (%d) cannot be saved in a pcapng file", dlt_name(dlt), dlt);
	} else if (w->pcapng) {
		if (pcapng_interface(w, dlt, NULL, true) >= 0 || !w->refusal[0])
			return true;
	} else if (!w->started) {
		if (pcap_start(w, dlt, ts_digits > 6) || !w->refusal[0])
			return true;
	} else if (dlt == w->dlt) {
		return true;
	} else {
		snprintf(w->refusal, sizeof(w->refusal),
			 "link type %s (%d) differs from the -w pcap file's, %s (%d): a pcap file holds one "
			 "link type (--pcapng writes several)",
			 dlt_name(dlt), dlt, dlt_name(w->dlt), w->dlt);
	}
	snprintf(err, errlen, "%s", w->refusal);
	w->refusal[0] = '\0';   /* this input only: the file goes on with the next */
	return false;
}

/* The fraction of a second of h in the unit of digits (6 or 9), from
 * that of the form. */
static uint32_t frac_in(const struct rs_pcap_form *form, const struct pcap_pkthdr *h,
			unsigned digits)
{
	uint32_t f = (uint32_t)h->ts.tv_usec;
	if (form->tv_digits == digits)
		return f;
	return form->tv_digits > digits ? f / 1000u : f * 1000u;
}

/* A packet of a pcapng file; annotated, with the input's comments (the
 * user's are kept) and then the note. */
static bool pcapng_packet(struct rs_capwrite *w, uint32_t ifid, const struct pcap_pkthdr *h,
			  const uint8_t *data, const struct rs_pkt_meta *meta, const char *note)
{
	const uint8_t *comment[RS_MAX_COMMENTS + 1];
	uint16_t len[RS_MAX_COMMENTS + 1];
	unsigned n = 0;
	enum rs_pkt_dir dir = meta ? meta->dir : RS_PKT_DIR_UNKNOWN;

	if (!w->annotate)
		return rs_pcapng_write_on(&w->ng, ifid, h, data, dir);
	for (unsigned i = 0; meta && i < meta->n_comments && i < RS_MAX_COMMENTS; i++, n++) {
		comment[n] = meta->comment[i];
		len[n] = meta->comment_len[i];
	}
	if (note) {
		size_t nlen = strlen(note);
		comment[n] = (const uint8_t *)note;
		len[n++] = (uint16_t)(nlen < UINT16_MAX ? nlen : UINT16_MAX);
	}
	return rs_pcapng_write_notes(&w->ng, ifid, h, data, dir, comment, len, n);
}

bool rs_capwrite_packet(struct rs_capwrite *w, const struct rs_pcap_form *form,
			const struct pcap_pkthdr *h, const uint8_t *data,
			const struct rs_pkt_meta *meta, const char *note)
{
	struct pcap_pkthdr out = *h;

	if (rs_capwrite_stopped(w))
		return false;
	if (w->pcapng) {
		bool nano = form->ts_digits > 6;
		int ifid = pcapng_interface(w, form->dlt, meta ? meta->ifname : NULL, nano);
		if (ifid < 0)
			return false;
		out.ts.tv_usec = (suseconds_t)frac_in(form, h, w->ifs[ifid].nano ? 9 : 6);
		return pcapng_packet(w, (uint32_t)ifid, &out, data, meta, note);
	}
	if (!w->started && !pcap_start(w, form->dlt, form->ts_digits > 6))
		return false;
	if (form->dlt != w->dlt) {
		/* A pcapng input whose later interface has another link type. */
		snprintf(w->refusal, sizeof(w->refusal),
			 "a packet of link type %s (%d), the pcap file's is %s (%d): a pcap file "
			 "holds one link type (--pcapng writes several)",
			 dlt_name(form->dlt), form->dlt, dlt_name(w->dlt), w->dlt);
		return false;
	}
	out.ts.tv_usec = (suseconds_t)frac_in(form, h, w->nano ? 9 : 6);
	return rs_outfile_pcap_record(&w->file, &out, data);
}

bool rs_capwrite_stopped(const struct rs_capwrite *w)
{
	return w->file.err != 0 || w->refusal[0] != '\0';
}

bool rs_capwrite_close(struct rs_capwrite *w)
{
	/* Annotated, interfaces come with packets: without any, the first
	 * input's, as a plain pcapng file has (editcap refuses a section
	 * without an interface). */
	if (w->annotate && w->nifs == 0 && w->dlt >= 0 && !rs_capwrite_stopped(w))
		pcapng_interface(w, w->dlt, NULL, w->nano);
	return rs_outfile_close(&w->file);
}
