/* cli_live.c: what the commands that capture or read share: the live-capture
 * options, opening everything before dropping privileges, and stopping on a
 * signal. */
#include "cli.h"
#include "rawshake/live.h"
#include "rawshake/privdrop.h"
#include "rawshake/signals.h"

#include <stdlib.h>
#include <unistd.h>

int rs_cli_live_opt(int c, const char *arg, struct rs_live_opts *lo)
{
	unsigned long long n;

	switch (c) {
	case 'i':
		lo->ifname = arg;
		return 1;
	case 'B':
		if (!rs_cli_parse_u64("-B", arg, 1, 4u << 20, &n))
			return -1;
		lo->buffer_kib = (int)n;
		return 1;
	case 's':
		/* As the man page has it for both sniff and detect. */
		if (!rs_cli_parse_u64("-s", arg, 1, 262144, &n))
			return -1;
		lo->snaplen = (int)n;
		return 1;
	case 'p':
		lo->promisc = false;
		return 1;
	default:
		return 0;
	}
}

/*
 * Everything privileged first, then no privileges before the first
 * packet is parsed, as OpenBSD's tcpdump does.  A live capture drops
 * always (rs_drop_privileges also gives up setcap's capabilities); files
 * need no privilege, so a process started unprivileged keeps what it is.
 */
static bool open_files(const char *cmd, const char *user, char *const *files, int nfiles,
		       struct rs_input **inp)
{
	char err[256];
	struct rs_input *in = calloc((size_t)nfiles, sizeof(*in));

	if (!in) {
		fprintf(stderr, "rawshake %s: out of memory\n", cmd);
		return false;
	}
	rs_inputs_open(in, files, nfiles);
	if ((geteuid() == 0 || rs_caps_effective() != 0) &&
	    !rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake %s: %s (-Z root keeps root)\n", cmd, err);
		rs_inputs_close(in, nfiles);
		free(in);
		return false;
	}
	*inp = in;
	return true;
}

bool rs_cli_open_then_drop(const char *cmd, const char *user, struct rs_live *live,
			   const struct rs_live_opts *lo, char *const *files, int nfiles,
			   struct rs_input **in)
{
	char err[PCAP_ERRBUF_SIZE + 512];

	if (!live)
		return open_files(cmd, user, files, nfiles, in);
	if (!rs_live_open(live, lo, err, sizeof(err)) ||
	    !rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake %s: %s\n", cmd, err);
		rs_live_close(live);
		return false;
	}
	return true;
}

static struct rs_live *stopping;

static void on_stop(int sig)
{
	(void)sig;
	rs_live_stop(stopping);
}

void rs_cli_catch_stop(struct rs_live *live)
{
	stopping = live;
	rs_signals_catch(on_stop, false);
}

const char *rs_cli_live_dlt_name(const struct rs_live *live)
{
	const char *name = pcap_datalink_val_to_name(live->dlt);
	return name ? name : "?";
}

void rs_cli_live_counts(const struct rs_live *live, const struct pcap_stat *st, bool have)
{
	fprintf(stderr, "%llu packets captured\n", (unsigned long long)live->seen);
	if (have)
		fprintf(stderr, "%u packets received by filter\n%u packets dropped by kernel\n"
				"%u packets dropped by interface\n",
			st->ps_recv, st->ps_drop, st->ps_ifdrop);
}
