/* Bare-metal hello for glass: no firmware, no libc. Finds the hypercall
 * device's platform instance at its default address, claims a channel,
 * logs a line and asks glass to exit with code 42.
 *
 *   make -C guest/baremetal
 *   build/glass -bios none -kernel build/baremetal/hello.elf; echo $?
 *
 * prints "hello from bare metal" in glass's log and exits 42. Other exit
 * codes: 3 no free channel, 4 the EXIT op returned, 5 no device; 101 a
 * trap, 102 main returned (start.S). */
#include "glass-hc.h"

#define HC ((glass_hc_base)GLASS_HC_PLATFORM_BASE)

int main(void)
{
	unsigned n;
	glass_hc_base ch;

	if (!glass_hc_present(HC)) {
		glass_hc_finish(HC, 5);
		return 0;
	}
	n = glass_hc_claim(HC);
	if (!n) {
		glass_hc_finish(HC, 3);
		return 0;
	}
	ch = glass_hc_channel(HC, n);
	glass_hc_log(ch, "hello from bare metal");
	glass_hc_exit(ch, 42);
	/* glass stops at the doorbell; if it did not: */
	glass_hc_release(ch);
	glass_hc_finish(HC, 4);
	return 0;
}
