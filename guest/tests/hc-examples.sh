#!/bin/sh
# hc-examples: the two user-space examples of docs/hypercall.md work:
# /dev/mem as root (platform instance), and /dev/glass-hc's mmap as an
# ordinary user (uid 65534). Boot glass with -device glass-hypercall.
fail() {
    echo "HC-EXAMPLES FAIL: $*"
    exit 1
}
hc-example-devmem || fail "hc-example-devmem"
chpst -u 65534:65534 hc-example-mmap || fail "hc-example-mmap as uid 65534"
echo "HC-EXAMPLES OK"
