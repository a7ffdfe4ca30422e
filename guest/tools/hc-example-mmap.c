/* Example: the glass hypercall device from user space without root,
 * through glass_hc.ko: /dev/glass-hc gives each open file its own channel,
 * and mmap maps that one channel page (uncached, io_remap_pfn_range), so
 * a hypercall is a few stores with no system call.
 *
 *   hc-example-mmap
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../include/glass-hc.h"

int main(void)
{
	int fd = open("/dev/glass-hc", O_RDWR);
	if (fd < 0) {
		perror("/dev/glass-hc");
		return 1;
	}
	/* the channel page: CLAIM, OP, ARG0..5, DOORBELL, STATUS, RET, DATA */
	volatile void *ch = mmap(NULL, GLASS_HC_PAGE_SIZE,
				 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ch == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	uint64_t reply = 0;
	int64_t st = glass_hc_ping(ch, 41, &reply);
	printf("mmap: ping 41 -> %llu (status %lld), uid %u\n",
	       (unsigned long long)reply, (long long)st, (unsigned)getuid());
	st = glass_hc_log(ch, "hello from user space via /dev/glass-hc mmap");
	munmap((void *)ch, GLASS_HC_PAGE_SIZE);
	close(fd);
	return st == 0 && reply == 42 ? 0 : 1;
}
