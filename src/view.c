/* view.c: decode → print for every packet, and the file-reading loop. */
#include "rawshake/view.h"
#include "rawshake/capfile.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *rs_format_str(enum rs_format f)
{
	switch (f) {
	case RS_FORMAT_TEXT: return "text";
	case RS_FORMAT_JSON: return "json";
	case RS_FORMAT_LADDER: return "ladder";
	}
	return "unknown";
}

void rs_view_init(struct rs_view *v, const struct rs_view_opts *opts, struct rs_out *out)
{
	memset(v, 0, sizeof(*v));
	v->opts = *opts;
	v->out = out;
	rs_printer_init(&v->printer, opts->print_flags);
}

bool rs_view_packet(struct rs_view *v, int dlt, uint8_t ts_digits,
		    const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct rs_packet *pkt = &v->pkt;

	if (v->opts.max_packets && v->frames >= v->opts.max_packets)
		return false;
	pkt->frame = ++v->frames;
	pkt->ts_sec = h->ts.tv_sec;
	pkt->ts_frac = (uint32_t)h->ts.tv_usec;
	pkt->ts_digits = ts_digits;
	pkt->caplen = h->caplen;
	pkt->len = h->len;
	if (rs_decode(dlt, data, h->caplen, h->len, pkt) != RS_OK)
		v->decode_errors++;

	if (!v->opts.quiet) {
		if (v->opts.format == RS_FORMAT_JSON)
			rs_print_json(&v->printer, v->out, pkt, NULL);
		else
			rs_print_text(&v->printer, v->out, pkt, NULL);
	}
	return !(v->opts.max_packets && v->frames >= v->opts.max_packets);
}

void rs_view_finish(struct rs_view *v)
{
	if (v->opts.quiet) {
		if (v->opts.format == RS_FORMAT_JSON) {
			rs_out_str(v->out, "{\"type\":\"count\",\"packets\":");
			rs_out_u64(v->out, v->frames);
			rs_out_str(v->out, ",\"decode_errors\":");
			rs_out_u64(v->out, v->decode_errors);
			rs_out_str(v->out, "}\n");
		} else {
			rs_out_u64(v->out, v->frames);
			rs_out_str(v->out, v->frames == 1 ? " packet" : " packets");
			if (v->decode_errors) {
				rs_out_str(v->out, " (");
				rs_out_u64(v->out, v->decode_errors);
				rs_out_str(v->out, " with decode errors)");
			}
			rs_out_char(v->out, '\n');
		}
	}
	rs_out_flush(v->out);
}

void rs_view_free(struct rs_view *v)
{
	(void)v;
}

static void report(int errfd, const char *file, const char *msg)
{
	dprintf(errfd, "rawshake: %s: %s\n", strcmp(file, "-") ? file : "(standard input)", msg);
}

int rs_read_files(struct rs_view *v, char *const *files, int nfiles, const char *filter,
		  int errfd)
{
	int status = 0;
	char err[PCAP_ERRBUF_SIZE + 128];

	for (int i = 0; i < nfiles; i++) {
		struct rs_capfile cf;
		if (!rs_capfile_open(&cf, files[i], err, sizeof(err))) {
			report(errfd, files[i], err);
			status = 2;
			continue;
		}
		if (!rs_dlt_supported(cf.dlt)) {
			snprintf(err, sizeof(err), "link type %s (%d) is not supported",
				 pcap_datalink_val_to_name(cf.dlt) ? pcap_datalink_val_to_name(cf.dlt) : "unknown",
				 cf.dlt);
			report(errfd, files[i], err);
			rs_capfile_close(&cf);
			status = 2;
			continue;
		}
		if (filter && !rs_capfile_set_filter(&cf, filter, err, sizeof(err))) {
			report(errfd, files[i], err);
			rs_capfile_close(&cf);
			status = 2;
			continue;
		}
		bool more = true;
		struct pcap_pkthdr hdr;
		while (more) {
			const struct pcap_pkthdr *h;
			const uint8_t *data;
			switch (rs_capfile_next(&cf, &h, &data)) {
			case RS_CAP_PACKET:
				/* Files are opened at nanosecond precision; the view
				 * shows the file's own. */
				hdr = *h;
				if (cf.ts_digits == 6)
					hdr.ts.tv_usec /= 1000;
				more = rs_view_packet(v, cf.dlt, cf.ts_digits, &hdr, data) &&
				       !rs_out_closed(v->out);
				break;
			case RS_CAP_EOF:
				more = false;
				break;
			case RS_CAP_TRUNCATED:
				rs_out_flush(v->out);
				snprintf(err, sizeof(err), "file is truncated after frame %llu (%s)",
					 (unsigned long long)v->frames, cf.errbuf);
				report(errfd, files[i], err);
				if (status < 1)
					status = 1;
				more = false;
				break;
			case RS_CAP_ERROR:
				rs_out_flush(v->out);
				snprintf(err, sizeof(err), "read error after frame %llu: %s",
					 (unsigned long long)v->frames, cf.errbuf);
				report(errfd, files[i], err);
				if (status < 1)
					status = 1;
				more = false;
				break;
			}
		}
		rs_capfile_close(&cf);
		if (rs_out_closed(v->out))
			break;
		if (v->opts.max_packets && v->frames >= v->opts.max_packets)
			break;
	}
	return status;
}
