/* The GDB remote serial protocol's framing: `$data#cs` packets with a
 * modulo-256 checksum, `+`/`-` acknowledgements, the 0x03 interrupt byte,
 * `}`-escapes in binary data, and the hex encodings the packets use. No
 * I/O and no state beyond struct rsp_rx, so the parser can be fuzzed on
 * its own. */
#ifndef GLASS_GDB_RSP_H
#define GLASS_GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet glass takes or sends (qSupported PacketSize). */
#define RSP_MAX_PACKET 16384

enum rsp_event {
	RSP_NONE,       /* the byte was consumed, nothing complete yet */
	RSP_PACKET,     /* a packet with a good checksum: rx->buf, rx->len */
	RSP_BAD,        /* a packet with a bad checksum, or too long */
	RSP_ACK,        /* '+' */
	RSP_NAK,        /* '-': send the last packet again */
	RSP_INTERRUPT,  /* 0x03 outside a packet: Ctrl-C */
};

struct rsp_rx {
	enum { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 } state;
	uint8_t sum;            /* of the data so far */
	uint8_t got;            /* checksum digits read */
	bool overflow;          /* more than RSP_MAX_PACKET bytes of data */
	size_t len;
	char buf[RSP_MAX_PACKET + 1];  /* the data, NUL-terminated */
};

void rsp_rx_init(struct rsp_rx *rx);

/* Feed one byte from the client; what it completed. A RSP_PACKET's data
 * stays in rx->buf until the next call. */
enum rsp_event rsp_rx_byte(struct rsp_rx *rx, uint8_t byte);

/* Frame data as `$data#cs` into out (capacity cap, at least len + 4);
 * returns the framed length. `$`, `#`, `}` and `*` in data are escaped
 * (so binary replies are safe); 0 if it does not fit. */
size_t rsp_frame(const void *data, size_t len, char *out, size_t cap);

/* Undo `}` escapes in place; returns the new length. */
size_t rsp_unescape(uint8_t *p, size_t len);

/* Hex helpers. A hex digit's value, or -1. */
int rsp_hexval(int c);
/* Parse a hex number at *s (at least one digit, at most 16); advance *s.
 * False on no digits or overflow. */
bool rsp_parse_hex(const char **s, uint64_t *v);
/* Decode 2 * n hex digits into n bytes; false on a non-hex digit. */
bool rsp_hex_decode(const char *hex, uint8_t *out, size_t n);
/* Encode n bytes as 2 * n hex digits (NUL-terminated: out holds 2n+1). */
void rsp_hex_encode(const uint8_t *in, size_t n, char *out);
/* A value as `bytes` little-endian bytes, in hex (the register format). */
void rsp_hex_le(uint64_t v, unsigned bytes, char *out);

#endif
