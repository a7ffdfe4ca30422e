/* Example: the glass hypercall device from user space through /dev/mem
 * (root), with glass-hc.h. Maps the platform instance (default address,
 * or the one given) with O_SYNC, so the page is uncached (PBMT=IO), then
 * PINGs and LOGs on a claimed channel.
 *
 *   hc-example-devmem [PHYS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../include/glass-hc.h"

int main(int argc, char **argv)
{
	unsigned long phys = argc > 1 ? strtoul(argv[1], NULL, 0) :
					GLASS_HC_PLATFORM_BASE;
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	volatile void *base = mmap(NULL, GLASS_HC_WINDOW_SIZE,
				   PROT_READ | PROT_WRITE, MAP_SHARED, fd, phys);
	if (base == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (!glass_hc_present(base)) {
		fprintf(stderr, "no glass hypercall device at 0x%lx\n", phys);
		return 1;
	}
	unsigned n = glass_hc_claim(base);
	if (!n) {
		fprintf(stderr, "all channels busy\n");
		return 1;
	}
	glass_hc_base ch = glass_hc_channel(base, n);
	uint64_t reply = 0;
	int64_t st = glass_hc_ping(ch, 41, &reply);
	printf("devmem: channel %u, ping 41 -> %llu (status %lld)\n", n,
	       (unsigned long long)reply, (long long)st);
	st = glass_hc_log(ch, "hello from user space via /dev/mem");
	glass_hc_release(ch);
	return st == 0 && reply == 42 ? 0 : 1;
}
