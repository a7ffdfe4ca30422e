#!/bin/sh
# virtio-net: Linux's virtio_net driver on user networking (libslirp).
# Run by /init for `glass.test=virtio-net`; glass.hostport=P names the
# port of an HTTP server on the host's loopback (tests/virtio/net.py).
#
# DHCP must give 10.0.2.15; the guest fetches /hello from the host
# through 10.0.2.2, sends 1 MiB to the host (/upload), then serves
# /www/index.html with busybox httpd on port 80 (the host reaches it
# through hostfwd), prints HTTPD-READY, and waits until the host says
# it fetched the page (/done answers 200).

fail() {
    echo "VIRTIO-NET FAIL: $*"
    exit 1
}

port=
for word in $(cat /proc/cmdline); do
    case $word in
    glass.hostport=*) port=${word#glass.hostport=} ;;
    esac
done
[ -n "$port" ] || fail "no glass.hostport= on the command line"

[ -d /sys/class/net/eth0 ] || fail "no eth0"
driver=$(basename "$(readlink /sys/class/net/eth0/device/driver)")
echo "virtio-net: eth0 $(cat /sys/class/net/eth0/address), driver $driver"
[ "$driver" = virtio_net ] || fail "driver is '$driver'"
ip link set lo up
udhcpc -i eth0 -n -q -t 10 -T 1 >/tmp/dhcp.log 2>&1 || fail "DHCP: $(tail -n 1 /tmp/dhcp.log)"
addr=$(ip -4 addr show eth0 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')
echo "virtio-net: DHCP gave $addr"
[ "$addr" = 10.0.2.15 ] || fail "address $addr, expected 10.0.2.15"

got=$(wget -q -O - "http://10.0.2.2:$port/hello") || fail "wget from the host"
[ "$got" = "hello from the host over slirp" ] || fail "host page reads '$got'"
echo "virtio-net: fetched /hello from the host"
seq 1 150000 | head -c 1048576 >/tmp/up.bin
wget -q -O /tmp/up.ans --post-file=/tmp/up.bin "http://10.0.2.2:$port/upload" || fail "upload"
[ "$(cat /tmp/up.ans)" = "$(md5sum </tmp/up.bin | cut -d' ' -f1)" ] || fail "upload checksum: host says $(cat /tmp/up.ans)"
echo "virtio-net: uploaded 1 MiB"

mkdir -p /www
echo "hello from the guest over hostfwd" >/www/index.html
httpd -p 80 -h /www || fail "httpd"
echo "HTTPD-READY"
i=0
while [ $i -lt 120 ]; do
    wget -q -O /dev/null "http://10.0.2.2:$port/done" 2>/dev/null && break
    sleep 0.5
    i=$((i + 1))
done
[ $i -lt 120 ] || fail "the host never fetched the page"
echo "VIRTIO-NET OK"
