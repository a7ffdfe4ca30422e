/* Building translation blocks (see tb.h). */
#include "cpu/cpu_internal.h"
#include "cpu/tb.h"
#include "mem/address_space.h"

void tb_cache_clear(struct tb_cache *c)
{
	memset(c->map, 0, sizeof(c->map));
	c->used = 0;
}

static uint32_t parcel(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

uint32_t tb_decode(struct dinsn *d, const uint8_t *host, unsigned off,
		   bool (*inside)(const struct dinsn *))
{
	const unsigned start = off;
	uint32_t n = 0;

	_Static_assert(TB_MAX_INSNS * 4 <= 255, "pc_off is 8 bits");
	while (n < TB_MAX_INSNS && off <= PAGE_SIZE - 2) {
		uint32_t raw = parcel(host);
		if ((raw & 3) == 3) {
			if (off > PAGE_SIZE - 4)
				break;
			raw |= parcel(host + 2) << 16;
		}
		dinsn_decode(&d[n], raw);
		d[n].pc_off = (uint8_t)(off - start);
		if (d[n].op <= D_ILLEGAL && !(inside && inside(&d[n]))) {
			/* no fast path: alone in its block */
			if (n == 0)
				n = 1;
			break;
		}
		host += d[n].len;
		off += d[n].len;
		if (dop_ends_block(d[n++].op))
			break;
	}
	return n;
}

/* A block that replaces another in its map slot reuses the old one's pool
 * space when it fits (conflicting blocks take turns in a slot, and each
 * turn would otherwise leak pool space until the next flush). */
struct tb *tb_build(struct hart *h, struct tb *t, uintptr_t host, uint64_t pa)
{
	struct tb_cache *c = &h->tbc;
	struct dinsn buf[TB_MAX_INSNS];
	bool made;
	const uint32_t *gen = as_code_page(h->env.as, pa, &made);

	if (!gen)
		return NULL;
	if (made) /* the machine tells every hart (on_code); be sure of this one */
		hart_protect_code_page(h, pa & ~PAGE_MASK);
	uint32_t n = tb_decode(buf, (const uint8_t *)host, pa & PAGE_MASK, NULL);
	if (!n)
		return NULL;
	if (n > t->cap) {
		if (c->used > TB_POOL_SIZE - n)
			tb_cache_clear(c); /* t->cap is 0 now */
		t->first = c->used;
		t->cap = (uint16_t)n;
		c->used += n;
	}
	memcpy(&c->pool[t->first], buf, n * sizeof(buf[0]));
	t->host = host;
	t->gen = gen;
	t->gen_val = *gen;
	t->n = (uint16_t)n;
	c->built++;
	return t;
}
