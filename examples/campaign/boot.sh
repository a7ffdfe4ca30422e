#!/bin/sh
# Boot the default guest once and checkpoint it: WORK/boot.
#   examples/campaign/boot.sh WORK
# The guest's /tests/campaign.sh saves the machine with
# `glassctl checkpoint boot exit` and glass exits 0 once it is written.
set -eu
here=$(dirname "$0")
# shellcheck source=examples/campaign/machine.conf
. "$here/machine.conf"
work=${1:?usage: boot.sh WORK}
mkdir -p "$work"
# shellcheck disable=SC2086 # MACHINE is words
"$GLASS" $MACHINE -kernel "$GUEST/Image" -initrd "$GUEST/initramfs.cpio.gz" \
	-append "console=ttyS0 glass.test=campaign" \
	--checkpoint-dir "$work" </dev/null >"$work/boot.log" 2>&1
test -s "$work/boot"
echo "campaign: checkpoint $work/boot ($(du -k "$work/boot" | cut -f1) KiB)"
