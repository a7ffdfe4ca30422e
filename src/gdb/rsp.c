/* Remote serial protocol framing (rsp.h). */
#include <string.h>

#include "gdb/rsp.h"

void rsp_rx_init(struct rsp_rx *rx)
{
	rx->state = RX_IDLE;
	rx->len = 0;
	rx->sum = 0;
	rx->got = 0;
	rx->overflow = false;
	rx->buf[0] = 0;
}

int rsp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void start_packet(struct rsp_rx *rx)
{
	rx->state = RX_DATA;
	rx->len = 0;
	rx->sum = 0;
	rx->got = 0;
	rx->overflow = false;
}

enum rsp_event rsp_rx_byte(struct rsp_rx *rx, uint8_t byte)
{
	int d;

	switch (rx->state) {
	case RX_IDLE:
		if (byte == '$')
			start_packet(rx);
		else if (byte == 0x03)
			return RSP_INTERRUPT;
		else if (byte == '+')
			return RSP_ACK;
		else if (byte == '-')
			return RSP_NAK;
		return RSP_NONE;  /* noise between packets */
	case RX_DATA:
		if (byte == '$') {  /* a new start: the client gave up */
			start_packet(rx);
			return RSP_NONE;
		}
		if (byte == '#') {
			rx->state = RX_CSUM1;
			rx->got = 0;
			return RSP_NONE;
		}
		rx->sum += byte;
		if (rx->len < RSP_MAX_PACKET)
			rx->buf[rx->len++] = (char)byte;
		else
			rx->overflow = true;
		return RSP_NONE;
	case RX_CSUM1:
	case RX_CSUM2:
		d = rsp_hexval(byte);
		if (d < 0) {
			rx->state = RX_IDLE;
			return RSP_BAD;
		}
		rx->got = (uint8_t)(rx->got << 4 | d);
		if (rx->state == RX_CSUM1) {
			rx->state = RX_CSUM2;
			return RSP_NONE;
		}
		rx->state = RX_IDLE;
		rx->buf[rx->len] = 0;
		if (rx->got != rx->sum || rx->overflow)
			return RSP_BAD;
		return RSP_PACKET;
	}
	return RSP_NONE;
}

size_t rsp_frame(const void *data, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = data;
	uint8_t sum = 0;
	size_t n = 0;

	if (cap < 4)
		return 0;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		bool esc = c == '$' || c == '#' || c == '}' || c == '*';
		if (n + (esc ? 2 : 1) + 3 > cap)
			return 0;
		if (esc) {
			out[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[n++] = (char)c;
		sum += c;
	}
	out[n++] = '#';
	out[n++] = hex[sum >> 4];
	out[n++] = hex[sum & 15];
	return n;
}

size_t rsp_unescape(uint8_t *p, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '}' && i + 1 < len)
			p[o++] = p[++i] ^ 0x20;
		else
			p[o++] = p[i];
	}
	return o;
}

bool rsp_parse_hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	unsigned n = 0;
	int d;

	while ((d = rsp_hexval((unsigned char)*p)) >= 0) {
		if (n == 16)
			return false;  /* more than 64 bits */
		x = x << 4 | (uint64_t)d;
		n++;
		p++;
	}
	if (!n)
		return false;
	*v = x;
	*s = p;
	return true;
}

bool rsp_hex_decode(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = rsp_hexval((unsigned char)hex[2 * i]), lo = -1;
		if (hi >= 0)  /* (the NUL ends a short string before this) */
			lo = rsp_hexval((unsigned char)hex[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

void rsp_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = 0;
}

void rsp_hex_le(uint64_t v, unsigned bytes, char *out)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	rsp_hex_encode(b, bytes < 8 ? bytes : 8, out);
}
