#!/bin/sh
# The default machine (guest/run.sh: the data disk, the network, the
# httpd) checkpointed and resumed (tests/snapshot/run.sh,
# default-checkpoint). Sets the machine up as /init does for a shell,
# writes a file to /data and says `glassctl checkpoint default exit`:
# glass saves the machine into its --checkpoint-dir and exits. A run
# restored from that file resumes here: the file is there, it writes
# another, and the network works again after the restore's "cable
# pull": a download from the host's server, whose port is the file
# `hostport` of the restoring run's --share directory (the kernel command
# line is the saving run's), and the host's fetch of the guest's page
# through hostfwd (HTTPD-READY, then the host answers /done). Without
# that file the network part is left out. Powers off cleanly (the host
# checks the disk).
set -u
fail() {
    echo "DEFAULT-CHECKPOINT FAIL: $*"
    exit 1
}

dev=$(findfs LABEL=glass-data) || fail "no disk labelled glass-data"
mkdir -p /data
mount -t ext4 "$dev" /data || fail "mount $dev"
ip link set lo up
udhcpc -i eth0 -n -q -t 5 -T 1 >/tmp/udhcpc.log 2>&1 || fail "DHCP"
mkdir -p /data/www
echo "hello from the restored guest" >/data/www/index.html
httpd -p 80 -h /data/www || fail "httpd"
echo "written before the checkpoint" >/data/before.txt
sync
out=$(glassctl checkpoint default exit 2>&1) || fail "checkpoint: $out"
case $out in
*resumed) ;;
*) fail "expected to be resumed: $out" ;;
esac
echo "default-checkpoint: resumed"
[ "$(cat /data/before.txt)" = "written before the checkpoint" ] ||
    fail "before.txt reads '$(cat /data/before.txt)'"
echo "written after the restore" >/data/after.txt
sync
port=
glassctl get hostport /tmp/hostport >/dev/null 2>&1 && port=$(cat /tmp/hostport)
if [ -n "$port" ]; then
    got=$(wget -q -T 10 -O - "http://10.0.2.2:$port/hello") ||
        fail "wget from the host"
    echo "default-checkpoint: the host says '$got'"
    echo "HTTPD-READY"
    i=0
    while [ $i -lt 120 ]; do
        wget -q -O /dev/null "http://10.0.2.2:$port/done" 2>/dev/null && break
        sleep 0.5
        i=$((i + 1))
    done
    [ $i -lt 120 ] || fail "the host never fetched the page"
fi
killall httpd   # its directory is on /data, which /init unmounts
echo "DEFAULT-CHECKPOINT OK"
