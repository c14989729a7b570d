/* craft_patch.c: per-packet field rewrites with incremental checksum update (RFC 1624). */
#include "rawshake/craft.h"

#include <string.h>

void rs_craft_layout_of(const struct rs_crafter *c, struct rs_craft_layout *lay)
{
	lay->v = c->v;
	lay->proto = c->proto;
	lay->l3_off = c->l3_off;
	lay->l4_off = c->l4_off;
	lay->csum_off = c->csum_off;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
uint16_t rs_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	uint32_t sum = (uint16_t)~csum;
	sum += (uint16_t)~old;
	sum += new_;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The transport checksum covers the pseudo-header unless it is ICMPv4. */
static bool l4_has_pseudo(const struct rs_craft_layout *lay)
{
	return !(lay->proto == RS_CRAFT_ICMP && lay->v == 4);
}

/* Replaces the 16-bit word at off, fixing the checksum at ck_off. */
static void patch16(uint8_t *pkt, size_t off, uint16_t v, size_t ck_off, bool udp)
{
	uint16_t old = get16(pkt + off);
	if (old == v)
		return;
	set16(pkt + off, v);
	uint16_t ck = get16(pkt + ck_off);
	if (udp && ck == 0)
		return;   /* no UDP checksum to keep */
	ck = rs_csum_update16(ck, old, v);
	if (udp && ck == 0)
		ck = 0xffff;
	set16(pkt + ck_off, ck);
}

static void patch_word(const struct rs_craft_layout *lay, uint8_t *pkt, size_t off, uint16_t v,
		       bool in_ip_header, bool in_pseudo)
{
	bool udp = lay->proto == RS_CRAFT_UDP;
	uint16_t old = get16(pkt + off);
	if (old == v)
		return;
	if (in_ip_header && lay->v == 4) {
		uint16_t ck = get16(pkt + lay->l3_off + 10);
		set16(pkt + lay->l3_off + 10, rs_csum_update16(ck, old, v));
	}
	if (in_pseudo && !l4_has_pseudo(lay)) {
		set16(pkt + off, v);
		return;
	}
	patch16(pkt, off, v, lay->csum_off, udp);
}

void rs_craft_patch_src(const struct rs_craft_layout *lay, uint8_t *pkt, const uint8_t *src)
{
	size_t off = lay->l3_off + (lay->v == 4 ? 12 : 8);
	size_t n = lay->v == 4 ? 4 : 16;
	for (size_t i = 0; i < n; i += 2)
		patch_word(lay, pkt, off + i, get16(src + i), true, true);
}

void rs_craft_patch_sport(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t sport)
{
	if (lay->proto == RS_CRAFT_ICMP)
		return;
	patch_word(lay, pkt, lay->l4_off, sport, false, false);
}

void rs_craft_patch_seq(const struct rs_craft_layout *lay, uint8_t *pkt, uint32_t seq)
{
	if (lay->proto != RS_CRAFT_TCP)
		return;
	patch_word(lay, pkt, lay->l4_off + 4, (uint16_t)(seq >> 16), false, false);
	patch_word(lay, pkt, lay->l4_off + 6, (uint16_t)seq, false, false);
}

void rs_craft_patch_id(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t id)
{
	if (lay->v != 4)
		return;
	size_t off = lay->l3_off + 4;
	uint16_t old = get16(pkt + off);
	set16(pkt + off, id);
	uint16_t ck = get16(pkt + lay->l3_off + 10);
	set16(pkt + lay->l3_off + 10, rs_csum_update16(ck, old, id));
}

void rs_craft_patch_echo_seq(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t seq)
{
	if (lay->proto != RS_CRAFT_ICMP)
		return;
	patch_word(lay, pkt, lay->l4_off + 6, seq, false, false);
}

size_t rs_craft_fragment4(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *buf,
			  size_t bufcap, size_t *lens, size_t max)
{
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (len < ihl || mtu < ihl + 8 || ihl < 20)
		return 0;
	size_t chunk = (mtu - ihl) & ~(size_t)7;
	size_t data = len - ihl, off = 0, nfrag = 0, used = 0;
	uint16_t frag0 = get16(pkt + 6);
	uint16_t base = (uint16_t)(frag0 & 0x1fff);

	while (off < data || nfrag == 0) {
		size_t n = data - off > chunk ? chunk : data - off;
		bool last = off + n >= data;
		if (nfrag >= max || used + ihl + n > bufcap)
			return 0;
		uint8_t *f = buf + used;
		memcpy(f, pkt, ihl);
		memcpy(f + ihl, pkt + ihl + off, n);
		set16(f + 2, (uint16_t)(ihl + n));
		/* Keep DF and the original MF on the last fragment. */
		uint16_t fl = (uint16_t)((frag0 & 0x4000) | (last ? (frag0 & 0x2000) : 0x2000) |
					 ((base + off / 8) & 0x1fff));
		set16(f + 6, fl);
		set16(f + 10, 0);
		uint32_t sum = 0;
		for (size_t i = 0; i < ihl; i += 2)
			sum += get16(f + i);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		set16(f + 10, (uint16_t)~sum);
		lens[nfrag++] = ihl + n;
		used += ihl + n;
		off += n;
		if (last)
			break;
	}
	return nfrag;
}
