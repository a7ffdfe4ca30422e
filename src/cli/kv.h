/* QEMU-style option values: "NAME,key=value,key=value" (QemuOpts). The
 * parsers of -M, and later -drive and -netdev, read their keys here. */
#ifndef GLASS_CLI_KV_H
#define GLASS_CLI_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of `key` in "k1=v1,k2=v2" (points into kv), with its length;
 * NULL if absent. */
const char *kv_find(const char *kv, const char *key, size_t *len);

/* Parse key's value as an unsigned integer (0x hex accepted). Returns 1
 * if found and valid, 0 if absent, -1 (after printing one line naming
 * `what`) if malformed. */
int kv_u64(const char *what, const char *kv, const char *key, uint64_t *val);

/* Refuse keys other than those listed (NULL-ended): -1 after printing
 * which, naming `what`; 0 if all are known. */
int kv_check(const char *what, const char *kv, const char *const *known);

#endif
