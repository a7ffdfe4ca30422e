/* The packets of GDB's remote serial protocol that glass answers. Every
 * packet gets a reply: the data asked for, "OK", an error "Enn", or ""
 * for a packet glass does not know (the protocol's "unsupported").
 *
 * Memory goes through the address space like the guest's own accesses:
 * RAM and ROM directly, device registers through the choke point
 * (as_read/as_write) with `debug` set in the attributes, so a read has
 * the side effects the guest's read would have, the trace shows it
 * (marked as the debugger's) and the device's access-size rules apply.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/tlb.h"
#include "gdb/internal.h"
#include "machine/monitor.h"
#include "mem/address_space.h"

#define ERR_INVAL "E16"   /* malformed packet */
#define ERR_FAULT "E0e"   /* no memory there */
#define ERR_RANGE "E22"   /* bad thread, register or point */
#define ERR_FULL "E1c"    /* no room for another point */

/* The most data bytes an `m` reply may carry. */
#define MAX_MEM ((RSP_MAX_PACKET - 1) / 2)

static struct hart *sel_hart(struct gdb_server *g)
{
	return &g->m->harts[g->g_hart < g->m->nharts ? g->g_hart : 0];
}

/* "ADDR,LEN" at *s; advances past them. */
static bool parse_addr_len(const char **s, uint64_t *addr, uint64_t *len)
{
	return rsp_parse_hex(s, addr) && *(*s)++ == ',' &&
	       rsp_parse_hex(s, len);
}

/* ---- memory ---- */

/* Who the debugger's device accesses are: the selected hart's view,
 * marked as a debugger's. */
static void debug_attrs(struct gdb_server *g, uint64_t va, bool translated,
			struct glass_attrs *who)
{
	struct hart *h = sel_hart(g);

	*who = (struct glass_attrs){
		.initiator = (int32_t)hart_get_id(h),
		.priv = (uint8_t)hart_get_priv(h), .debug = 1,
		.translated = translated, .va = va, .pc = hart_get_pc(h),
	};
}

/* The widest naturally aligned access at pa of at most n bytes. */
static unsigned piece(uint64_t pa, size_t n)
{
	unsigned w = 8;

	while (w > 1 && ((pa & (w - 1)) || w > n))
		w >>= 1;
	return w;
}

/* Bytes [pa, pa + n) within one page, RAM/ROM or devices; how many were
 * done before something refused. */
static size_t phys_access(struct gdb_server *g, uint64_t va, uint64_t pa,
			  uint8_t *buf, size_t n, bool write)
{
	struct address_space *as = &g->m->as;
	struct glass_attrs who;
	size_t done = 0;

	debug_attrs(g, va, !g->phys, &who);
	while (done < n) {
		uint64_t a = pa + done;
		const struct flat_range *f = as_lookup(as, a);
		if (!f)
			break;
		uint64_t room = f->end - a;   /* bytes after a in the range */
		size_t k = room < n - done - 1 ? (size_t)room + 1 : n - done;
		if (f->r->kind != REGION_MMIO) {
			if (write) {
				if (as_load(as, a, buf + done, k) != MEM_OK)
					break;
			} else {
				const uint8_t *p = as_host_ptr(as, a, k, false);
				if (!p)
					break;
				memcpy(buf + done, p, k);
			}
			done += k;
			continue;
		}
		size_t end = done + k;
		while (done < end) {
			unsigned w = piece(pa + done, end - done);
			uint64_t v = 0;
			enum mem_status st;
			who.va = va + done;
			if (write) {
				memcpy(&v, buf + done, w);
				st = as_write(as, pa + done, w, v, &who);
			} else {
				st = as_read(as, pa + done, w, &v, &who);
				memcpy(buf + done, &v, w);
			}
			if (st != MEM_OK)
				return done;
			done += w;
		}
	}
	return done;
}

/* The client's view of memory: virtual through the selected hart's
 * current translation, or physical (Qqemu.PhysicalMemoryMode:1). Returns
 * how many bytes were read or written before a hole. */
static size_t mem_access(struct gdb_server *g, uint64_t addr, uint8_t *buf,
			 size_t len, bool write)
{
	size_t done = 0;

	/* the address space ends at 2^64 - 1: nothing wraps round */
	if (len && addr + (len - 1) < addr)
		len = (size_t)(0 - addr);
	while (done < len) {
		uint64_t a = addr + done, pa = a;
		size_t chunk = PAGE_SIZE - (a & PAGE_MASK);
		if (chunk > len - done)
			chunk = len - done;
		if (!g->phys && !hart_debug_translate(sel_hart(g), a, &pa))
			break;
		size_t got = phys_access(g, a, pa, buf + done, chunk, write);
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

static void cmd_read_mem(struct gdb_server *g, const char *p)
{
	uint64_t addr, len;
	uint8_t buf[MAX_MEM];
	char hex[2 * MAX_MEM + 1];

	if (!parse_addr_len(&p, &addr, &len) || *p || !len) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	if (len > MAX_MEM)
		len = MAX_MEM;  /* a short reply is allowed */
	size_t got = mem_access(g, addr, buf, (size_t)len, false);
	if (!got) {
		gdb_send_str(g, ERR_FAULT);
		return;
	}
	rsp_hex_encode(buf, got, hex);
	gdb_send(g, hex, 2 * got);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY */
static void cmd_write_mem(struct gdb_server *g, char *p, size_t plen,
			  bool binary)
{
	const char *s = p + 1;
	uint64_t addr, len;
	uint8_t *data;
	size_t n;

	if (!parse_addr_len(&s, &addr, &len) || *s != ':' ||
	    len > RSP_MAX_PACKET) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	s++;
	n = plen - (size_t)(s - p);
	data = (uint8_t *)p + (s - p);
	if (binary) {
		n = rsp_unescape(data, n);
	} else {
		if (n != 2 * len || !rsp_hex_decode(s, data, (size_t)len)) {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		n = (size_t)len; /* decoded in place: never longer */
	}
	if (n != len || (len && addr + (len - 1) < addr)) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	if (len && mem_access(g, addr, data, n, true) != n) {
		gdb_send_str(g, ERR_FAULT);
		return;
	}
	gdb_send_str(g, "OK");
}

/* ---- registers ---- */

static void cmd_read_regs(struct gdb_server *g)
{
	char hex[GDB_G_REGS * 16 + 1];
	struct hart *h = sel_hart(g);
	uint64_t v;

	for (unsigned r = 0; r < GDB_G_REGS; r++) {
		gdb_reg_read(h, r, &v);
		rsp_hex_le(v, 8, hex + 16 * r);
	}
	gdb_send(g, hex, sizeof(hex) - 1);
}

static void cmd_write_regs(struct gdb_server *g, const char *p, size_t len)
{
	struct hart *h = sel_hart(g);
	uint8_t b[8];

	if (len % 16 || len / 16 > GDB_G_REGS) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	for (unsigned r = 0; r < len / 16; r++) {
		if (!rsp_hex_decode(p + 16 * r, b, 8)) {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
	}
	for (unsigned r = 0; r < len / 16; r++) {
		uint64_t v = 0;
		rsp_hex_decode(p + 16 * r, b, 8);
		for (int i = 7; i >= 0; i--)
			v = v << 8 | b[i];
		gdb_reg_write(h, r, v);
	}
	gdb_send_str(g, "OK");
}

static void cmd_read_reg(struct gdb_server *g, const char *p)
{
	struct hart *h = sel_hart(g);
	uint64_t n, v;
	char hex[17];

	if (!rsp_parse_hex(&p, &n) || *p || n > UINT32_MAX ||
	    !gdb_reg_size(h, (unsigned)n) ||
	    !gdb_reg_read(h, (unsigned)n, &v)) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	rsp_hex_le(v, gdb_reg_size(h, (unsigned)n), hex);
	gdb_send_str(g, hex);
}

static void cmd_write_reg(struct gdb_server *g, const char *p)
{
	struct hart *h = sel_hart(g);
	uint64_t n, v = 0;
	uint8_t b[8];
	unsigned size;

	if (!rsp_parse_hex(&p, &n) || *p++ != '=' || n > UINT32_MAX) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	size = gdb_reg_size(h, (unsigned)n);
	if (!size || strlen(p) != 2 * size || !rsp_hex_decode(p, b, size)) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	for (int i = (int)size - 1; i >= 0; i--)
		v = v << 8 | b[i];
	gdb_send_str(g, gdb_reg_write(h, (unsigned)n, v) ? "OK" : ERR_RANGE);
}

/* ---- threads ---- */

/* A thread id: -1 (all), 0 (any) or a hart's id + 1. False if malformed
 * or no such hart. */
static bool parse_tid(struct gdb_server *g, const char **s, int *tid)
{
	uint64_t v;

	if ((*s)[0] == '-' && (*s)[1] == '1') {
		*s += 2;
		*tid = -1;
		return true;
	}
	if (!rsp_parse_hex(s, &v) || v > g->m->nharts)
		return false;
	*tid = (int)v;
	return true;
}

static void cmd_set_thread(struct gdb_server *g, const char *p)
{
	char op = *p++;
	int tid;

	if ((op != 'g' && op != 'c') || !parse_tid(g, &p, &tid) || *p) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	if (op == 'g' && tid > 0)
		g->g_hart = (unsigned)tid - 1;
	else if (op == 'c')
		g->c_hart = tid > 0 ? tid - 1 : -1;
	gdb_send_str(g, "OK");
}

static void cmd_thread_alive(struct gdb_server *g, const char *p)
{
	int tid;

	gdb_send_str(g, parse_tid(g, &p, &tid) && tid > 0 && !*p ? "OK" :
			ERR_RANGE);
}

static void thread_info(struct gdb_server *g)
{
	char buf[8 * MAX_HARTS + 2];
	int n = snprintf(buf, sizeof(buf), "m");

	for (unsigned i = 0; i < g->m->nharts; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%x", i ? "," : "",
			      i + 1);
	gdb_send(g, buf, (size_t)n);
}

static void thread_extra(struct gdb_server *g, const char *p)
{
	static const char *const mode[4] = { "U", "S", "?", "M" };
	char text[64], hex[2 * sizeof(text) + 1];
	int tid;

	if (!parse_tid(g, &p, &tid) || tid <= 0 || *p) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	struct hart *h = &g->m->harts[tid - 1];
	int n = snprintf(text, sizeof(text), "hart %u, %s mode%s", tid - 1,
			 mode[hart_get_priv(h) & 3],
			 hart_is_sleeping(h) ? ", in wfi" : "");
	rsp_hex_encode((const uint8_t *)text, (size_t)n, hex);
	gdb_send_str(g, hex);
}

/* ---- running ---- */

/* c/s/C/S [SIG;][ADDR]: continue all harts, or step the current one. */
static void cmd_resume(struct gdb_server *g, const char *p)
{
	bool step = *p == 's' || *p == 'S';
	bool sig = *p == 'C' || *p == 'S';
	unsigned target = g->c_hart >= 0 ? (unsigned)g->c_hart : g->g_hart;
	uint64_t v;

	p++;
	if (sig) {  /* a signal to deliver: machines have none, ignored */
		if (!rsp_parse_hex(&p, &v)) {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		if (*p == ';')
			p++;
	}
	if (*p) {
		if (!rsp_parse_hex(&p, &v) || *p) {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		hart_set_pc(&g->m->harts[target], v);
	}
	for (unsigned i = 0; i < g->m->nharts; i++)
		g->action[i] = step ? (i == target ? ACT_STEP : ACT_STOP) :
			       ACT_CONT;
	gdb_resume(g);
}

/* vCont;ACTION[:TID]... : the leftmost action naming a hart is its. */
static void cmd_vcont(struct gdb_server *g, const char *p)
{
	uint8_t act[MAX_HARTS];
	bool set[MAX_HARTS] = { false }, any = false;
	unsigned n = g->m->nharts;
	uint64_t v;

	while (*p == ';') {
		uint8_t a;
		int tid = -1;
		char c = p[1];
		p += 2;
		switch (c) {
		case 'c': case 'C': a = ACT_CONT; break;
		case 's': case 'S': a = ACT_STEP; break;
		case 't': a = ACT_STOP; break;
		default:
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		/* C and S name a signal to deliver: machines have none */
		if ((c == 'C' || c == 'S') && !rsp_parse_hex(&p, &v)) {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		if (*p == ':' && (p++, !parse_tid(g, &p, &tid))) {
			gdb_send_str(g, ERR_RANGE);
			return;
		}
		if (*p && *p != ';') {
			gdb_send_str(g, ERR_INVAL);
			return;
		}
		for (unsigned i = 0; i < n; i++) {
			if (set[i] || (tid > 0 && (unsigned)tid != i + 1))
				continue;
			set[i] = true;
			act[i] = a;
		}
	}
	if (*p) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!set[i])
			act[i] = ACT_STOP;
		any |= act[i] != ACT_STOP;
	}
	if (!any) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	memcpy(g->action, act, n);
	gdb_resume(g);
}

/* ---- breakpoints and watchpoints ---- */

static void cmd_point(struct gdb_server *g, const char *p, bool insert)
{
	static const uint8_t kinds[5] = { DBG_EXEC, DBG_EXEC, DBG_STORE,
					  DBG_LOAD, DBG_LOAD | DBG_STORE };
	struct dbg_points *pts = &g->points;
	uint64_t type, addr, kind;

	p++;
	if (!rsp_parse_hex(&p, &type) || *p++ != ',' ||
	    !parse_addr_len(&p, &addr, &kind) || (*p && *p != ';')) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	if (type > 4) {
		gdb_send_str(g, "");  /* a kind of point glass does not have */
		return;
	}
	/* breakpoints: 2 or 4 bytes (c.ebreak or ebreak); watchpoints: any
	 * number of bytes that does not run past the end of memory */
	if ((type <= 1 && kind != 2 && kind != 4) ||
	    (type >= 2 && (!kind || addr + (kind - 1) < addr))) {
		gdb_send_str(g, ERR_RANGE);
		return;
	}
	/* breakpoints are virtual whatever the memory mode, as in QEMU (so
	 * GDB's own stepping breakpoints work in physical mode); watchpoints
	 * set in physical mode watch physical addresses */
	struct dbg_point pt = {
		.addr = addr, .last = type <= 1 ? addr : addr + (kind - 1),
		.kind = kinds[type], .phys = type >= 2 && g->phys,
	};
	if (insert) {
		if (pts->n == DBG_MAX_POINTS) {
			gdb_send_str(g, ERR_FULL);
			return;
		}
		g->src[pts->n] = (struct gdb_point_src){ (uint8_t)type, kind };
		pts->p[pts->n++] = pt;
		gdb_points_changed(g);
		gdb_send_str(g, "OK");
		return;
	}
	for (unsigned i = 0; i < pts->n; i++) {
		const struct dbg_point *q = &pts->p[i];
		if (g->src[i].type != type || g->src[i].kind != kind ||
		    q->addr != addr || q->phys != pt.phys)
			continue;
		pts->n--;
		memmove(&pts->p[i], &pts->p[i + 1],
			(pts->n - i) * sizeof(pts->p[0]));
		memmove(&g->src[i], &g->src[i + 1],
			(pts->n - i) * sizeof(g->src[0]));
		gdb_points_changed(g);
		gdb_send_str(g, "OK");
		return;
	}
	gdb_send_str(g, ERR_RANGE);
}

/* ---- queries ---- */

static void query_supported(struct gdb_server *g, const char *p)
{
	char buf[160];

	g->swbreak = strstr(p, "swbreak+") != NULL;
	g->hwbreak = strstr(p, "hwbreak+") != NULL;
	snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;"
		 "swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+",
		 RSP_MAX_PACKET);
	gdb_send_str(g, buf);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void query_features(struct gdb_server *g, const char *p)
{
	uint64_t off, len;

	if (strncmp(p, "target.xml:", 11)) {
		gdb_send_str(g, "E00");  /* no such annex */
		return;
	}
	if (!g->tdesc)   /* made once, when first asked for */
		g->tdesc = gdb_tdesc_build(&g->m->harts[0], &g->tdesc_len);
	if (!g->tdesc) {
		gdb_send_str(g, "E0c");
		return;
	}
	p += 11;
	if (!parse_addr_len(&p, &off, &len) || *p) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	if (len > RSP_MAX_PACKET / 2 - 1)
		len = RSP_MAX_PACKET / 2 - 1;  /* escapes may double it */
	char buf[RSP_MAX_PACKET / 2];
	size_t n = 0;
	bool more = false;
	if (off < g->tdesc_len) {
		n = g->tdesc_len - (size_t)off;
		if (n > len) {
			n = (size_t)len;
			more = true;
		}
	}
	buf[0] = more ? 'm' : 'l';
	if (n)
		memcpy(buf + 1, g->tdesc + off, n);
	gdb_send(g, buf, n + 1);
}

/* qRcmd,HEX: a line for glass's monitor; its answer goes back as console
 * output. */
static void query_rcmd(struct gdb_server *g, const char *p)
{
	size_t n = strlen(p);
	char line[256], *text = NULL;
	size_t len = 0;

	if (n % 2 || n / 2 >= sizeof(line) ||
	    !rsp_hex_decode(p, (uint8_t *)line, n / 2)) {
		gdb_send_str(g, ERR_INVAL);
		return;
	}
	line[n / 2] = 0;
	/* the monitor's first word, as it splits words: gdbserver would
	 * close (and free) the stub handling this very packet */
	const char *w = line + strspn(line, " ");
	if (!strncmp(w, "gdbserver", 9) && (w[9] == ' ' || !w[9])) {
		static const char no[] = "gdbserver: not from the debugger "
					 "itself (use glass's monitor)\n";
		gdb_send_console(g, no, sizeof(no) - 1);
		gdb_send_str(g, "OK");
		return;
	}
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		gdb_send_str(g, "E0c");
		return;
	}
	bool quit = monitor_command(g->m, line, f);
	fclose(f);
	if (len)
		gdb_send_console(g, text, len);
	free(text);
	gdb_send_str(g, "OK");
	if (quit)
		machine_request_exit(g->m, 0);
}

/* QEMU's own queries: single-step flags and physical memory mode. */
static bool query_qemu(struct gdb_server *g, const char *p, bool set)
{
	char buf[48];

	if (!set && !strcmp(p, "sstepbits")) {
		gdb_send_str(g, "ENABLE=1,NOIRQ=2,NOTIMER=4");
	} else if (!set && !strcmp(p, "sstep")) {
		snprintf(buf, sizeof(buf), "0x%x", g->sstep);
		gdb_send_str(g, buf);
	} else if (set && !strncmp(p, "sstep=", 6)) {
		uint64_t v;
		p += 6;
		if (!rsp_parse_hex(&p, &v) || *p || v > 7) {
			gdb_send_str(g, ERR_INVAL);
			return true;
		}
		g->sstep = (unsigned)v;
		gdb_send_str(g, "OK");
	} else if (!set && !strcmp(p, "PhysicalMemoryMode")) {
		gdb_send_str(g, g->phys ? "1" : "0");
	} else if (set && !strncmp(p, "PhysicalMemoryMode:", 19)) {
		if ((p[19] != '0' && p[19] != '1') || p[20]) {
			gdb_send_str(g, ERR_INVAL);
			return true;
		}
		g->phys = p[19] == '1';
		gdb_send_str(g, "OK");
	} else {
		return false;
	}
	return true;
}

static void cmd_query(struct gdb_server *g, const char *p)
{
	char buf[32];

	if (!strncmp(p, "qSupported", 10))
		query_supported(g, p + 10);
	else if (!strncmp(p, "qAttached", 9))
		gdb_send_str(g, "1");  /* detach, never kill, on quit */
	else if (!strcmp(p, "qC")) {
		snprintf(buf, sizeof(buf), "QC%x", g->g_hart + 1);
		gdb_send_str(g, buf);
	} else if (!strcmp(p, "qfThreadInfo"))
		thread_info(g);
	else if (!strcmp(p, "qsThreadInfo"))
		gdb_send_str(g, "l");
	else if (!strncmp(p, "qThreadExtraInfo,", 17))
		thread_extra(g, p + 17);
	else if (!strncmp(p, "qSymbol:", 8))
		gdb_send_str(g, "OK");
	else if (!strncmp(p, "qXfer:features:read:", 20))
		query_features(g, p + 20);
	else if (!strncmp(p, "qRcmd,", 6))
		query_rcmd(g, p + 6);
	else if (!strncmp(p, "qqemu.", 6) && query_qemu(g, p + 6, false))
		return;
	else
		gdb_send_str(g, "");
}

static void cmd_set(struct gdb_server *g, const char *p)
{
	if (!strcmp(p, "QStartNoAckMode")) {
		gdb_send_str(g, "OK");  /* still acknowledged */
		g->no_ack = true;
	} else if (!strcmp(p, "QNonStop:0")) {
		gdb_send_str(g, "OK");
	} else if (!strncmp(p, "Qqemu.", 6) && query_qemu(g, p + 6, true)) {
		return;
	} else {
		gdb_send_str(g, "");
	}
}

static void kill_machine(struct gdb_server *g)
{
	fprintf(stderr, "glass: terminated by the debugger\n");
	machine_request_exit(g->m, 0);
}

static void cmd_v(struct gdb_server *g, const char *p)
{
	if (!strcmp(p, "vCont?")) {
		gdb_send_str(g, "vCont;c;C;s;S");
	} else if (!strncmp(p, "vCont;", 5) && p[5] == ';') {
		cmd_vcont(g, p + 5);
	} else if (!strncmp(p, "vKill", 5)) {
		gdb_send_str(g, "OK");
		kill_machine(g);
	} else {
		gdb_send_str(g, "");  /* vMustReplyEmpty, vFile, vRun... */
	}
}

void gdb_handle_packet(struct gdb_server *g, char *p, size_t len)
{
	switch (len ? p[0] : 0) {
	case '?': gdb_send_stop(g); break;
	case 'g': cmd_read_regs(g); break;
	case 'G': cmd_write_regs(g, p + 1, len - 1); break;
	case 'p': cmd_read_reg(g, p + 1); break;
	case 'P': cmd_write_reg(g, p + 1); break;
	case 'm': cmd_read_mem(g, p + 1); break;
	case 'M': cmd_write_mem(g, p, len, false); break;
	case 'X': cmd_write_mem(g, p, len, true); break;
	case 'c': case 's': case 'C': case 'S': cmd_resume(g, p); break;
	case 'H': cmd_set_thread(g, p + 1); break;
	case 'T': cmd_thread_alive(g, p + 1); break;
	case 'Z': cmd_point(g, p, true); break;
	case 'z': cmd_point(g, p, false); break;
	case 'q': cmd_query(g, p); break;
	case 'Q': cmd_set(g, p); break;
	case 'v': cmd_v(g, p); break;
	case 'D':
		gdb_release(g, true);
		gdb_send_str(g, "OK");
		break;
	case 'k':
		kill_machine(g);  /* no reply: the connection goes */
		break;
	default:
		gdb_send_str(g, "");
		break;
	}
}
