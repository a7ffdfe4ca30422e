/* libFuzzer target: image loading on arbitrary bytes.
 *
 * The bytes are a file as glass would read it (an exact-size heap buffer,
 * so reading past its end is caught): is_elf, is_riscv_image and
 * foreign_format classify it; an ELF is loaded with elf_load into a small
 * RAM and ROM and its symbols looked up with elf_symbol, as boot.c does
 * for -kernel/-bios; anything else not foreign goes through raw_load.
 *
 * The same bytes also go through what -dtb does with a device tree
 * (boot.c place_fdt: fdt_user_blob_ok, then fdt_with_chosen). libfdt is not instrumented, so that
 * buffer ends at a PROT_NONE guard page: a read past the end of the file
 * inside libfdt faults instead of going unnoticed (within the alignment
 * libfdt requires).
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "machine/fdt.h"
#include "machine/loader.h"
#include "mem/address_space.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0xf000ull
#define FDT_RESERVE (64ull << 10)   /* boot.c's limit */

/* A copy of data that ends at an inaccessible page: exactly when its size
 * is a multiple of 8, else within 7 bytes (libfdt insists on 8-byte
 * alignment, which glass's malloc'd buffer has). */
struct guarded {
	uint8_t *map;
	size_t map_len;
	uint8_t *data;
};

static struct guarded guarded_copy(const uint8_t *data, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t padded = (size + 7) & ~(size_t)7;
	size_t pages = (padded + page - 1) / page;
	struct guarded g;

	g.map_len = (pages + 1) * page;
	g.map = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.map == MAP_FAILED)
		abort();
	if (mprotect(g.map + pages * page, page, PROT_NONE) < 0)
		abort();
	g.data = g.map + pages * page - padded;
	memcpy(g.data, data, size);
	return g;
}

/* boot.c's place_fdt for -dtb FILE, on the file's bytes: the validity
 * check, then /chosen patched in (bootargs, initrd) as glass does. */
static void dtb_check(const uint8_t *data, size_t size, struct address_space *as)
{
	if (!size)
		return;   /* file_read refuses empty files */
	struct guarded g = guarded_copy(data, size);
	const void *fdt = g.data;

	/* exactly the check place_fdt makes before using the blob */
	if (!fdt_user_blob_ok(fdt, size, FDT_RESERVE)) {
		munmap(g.map, g.map_len);
		return;
	}
	FUZZ_CHECK(fdt_totalsize(fdt) <= size);
	bool valid = true;
	void *out = fdt_with_chosen(fdt, FDT_RESERVE,
				    (size & 1) ? "console=ttyS0 root=/dev/ram" : NULL,
				    (size & 2) ? 0x84000000 : 0,
				    (size & 2) ? 0x84100000 : 0);
	if (out) {
		/* what the guest gets fits, and a sound tree stays sound */
		FUZZ_CHECK(fdt_totalsize(out) <= FDT_RESERVE);
		if (valid)
			FUZZ_CHECK(fdt_check_full(out, fdt_totalsize(out)) == 0);
		as_load(as, RAM_BASE, out, fdt_totalsize(out) < RAM_SIZE ?
					   fdt_totalsize(out) : RAM_SIZE);
		free(out);
	}
	munmap(g.map, g.map_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address_space as;
	struct load_result res = { 0 };
	struct file_buf f;
	uint64_t v;

	if (!size)
		return 0;
	as_init(&as);
	struct region *ram = as_add_ram(&as, "ram", RAM_BASE, RAM_SIZE);
	struct region *rom = as_add_rom(&as, "rom", ROM_BASE, ROM_SIZE);
	FUZZ_CHECK(ram && rom);

	/* exactly the file: no slack after it for a reader to run into */
	f.size = size;
	f.data = malloc(size);
	FUZZ_CHECK(f.data);
	memcpy(f.data, data, size);

	bool elf = is_elf(&f);
	bool image = is_riscv_image(&f);
	const char *why = foreign_format(&f);
	/* (foreign_format is only asked about non-ELF files) */
	if (image)
		FUZZ_CHECK(!why || !strstr(why, "PE/EFI"));
	if (elf) {
		if (elf_load("fuzz.elf", &f, &as, &res) == 0) {
			FUZZ_CHECK(res.low <= res.high);
			FUZZ_CHECK(res.high - res.low >= 1);
		}
		(void)elf_symbol(&f, "tohost", &v);
		(void)elf_symbol(&f, "fromhost", &v);
		(void)elf_symbol(&f, "", &v);
	} else if (!why) {
		if (raw_load("fuzz.bin", &f, &as, RAM_BASE, &res) == 0) {
			FUZZ_CHECK(res.low == RAM_BASE && res.high == RAM_BASE + size);
			FUZZ_CHECK(!memcmp(ram->host, data, size));
		} else {
			FUZZ_CHECK(size > RAM_SIZE);
		}
	}
	free(f.data);

	dtb_check(data, size, &as);
	as_destroy(&as);
	return 0;
}
