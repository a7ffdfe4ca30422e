#!/bin/sh
# virtio-console: Linux's virtio_console driver makes /dev/hvc0; a line
# the host put in the chardev's input file arrives, and what the guest
# writes reaches the chardev's output file (checked by the host).

fail() {
    echo "VIRTIO-CONSOLE FAIL: $*"
    exit 1
}

i=0
while [ ! -c /dev/hvc0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
[ -c /dev/hvc0 ] || fail "no /dev/hvc0"
# keep the tty open: input that arrived before it was opened is handed
# to it now, and a last close would throw away what was not read yet
exec 3<>/dev/hvc0
stty -F /dev/hvc0 -echo 2>/dev/null
read -r -t 10 line <&3
echo "virtio-console: read '$line'"
[ "$line" = "hello to hvc0" ] || fail "read '$line'"
echo "hello from hvc0" >&3
exec 3>&-
echo "VIRTIO-CONSOLE OK"
