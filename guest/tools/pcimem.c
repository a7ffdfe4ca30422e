/*
 * pcimem: read or write one 32-bit register through an mmap of a file,
 * typically a PCI BAR exposed by sysfs (/sys/bus/pci/devices/BDF/resource0)
 * or /dev/mem. busybox has devmem for physical addresses, but nothing that
 * maps a sysfs resource file, which is the way user space is meant to reach
 * a BAR without knowing where the kernel put it.
 *
 * usage: pcimem FILE OFFSET            print the value as 0x%08x
 *        pcimem FILE OFFSET VALUE      write VALUE, then print what reads back
 *
 * OFFSET and VALUE take C syntax (0x.. hex). OFFSET must be 4-byte aligned.
 * The file is opened with O_SYNC (uncached for /dev/mem) and only the page
 * holding the register is mapped, as mmap needs a page-aligned offset.
 * Exit status 0 on success, 1 on any error (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int parse(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long off, val = 0;
	int write = argc == 4;

	if ((argc != 3 && argc != 4) || parse(argv[2], &off) ||
	    (write && parse(argv[3], &val)) || (off & 3) ||
	    val > 0xffffffffull) {
		fprintf(stderr, "usage: %s FILE OFFSET [VALUE]  (32-bit, offset 4-byte aligned)\n",
			argv[0]);
		return 1;
	}

	int fd = open(argv[1], (write ? O_RDWR : O_RDONLY) | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "pcimem: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	long page = sysconf(_SC_PAGESIZE);
	off_t base = (off_t)(off & ~(unsigned long long)(page - 1));
	void *map = mmap(NULL, page, write ? PROT_READ | PROT_WRITE : PROT_READ,
			 MAP_SHARED, fd, base);
	if (map == MAP_FAILED) {
		fprintf(stderr, "pcimem: mmap %s at 0x%llx: %s\n", argv[1],
			(unsigned long long)base, strerror(errno));
		close(fd);
		return 1;
	}
	/* volatile: exactly one 32-bit load or store per access */
	volatile uint32_t *reg =
		(volatile uint32_t *)((char *)map + (off - (unsigned long long)base));
	if (write)
		*reg = (uint32_t)val;
	printf("0x%08x\n", (unsigned)*reg);
	munmap(map, page);
	close(fd);
	return 0;
}
