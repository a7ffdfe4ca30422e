/* Boot: firmware, kernel and initrd into RAM, the device tree near the top
 * of RAM, and the boot ROM that starts every hart with a0 = hart id,
 * a1 = DTB address, a2 = fw_dynamic info (QEMU virt's convention). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/boot.h"
#include "machine/fdt.h"
#include "machine/loader.h"
#include "machine/virt.h"

#define DEFAULT_BIOS "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
#define FDT_ALIGN (2ull << 20)
#define FDT_RESERVE (64ull << 10)
#define FW_DYNAMIC_MAGIC 0x4942534full /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_NEXT_MODE_S 1

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static const uint32_t rom_code[] = {
	0x00000297, /* auipc t0, 0          t0 = ROM base          */
	0x02828613, /* addi  a2, t0, 40     a2 = &fw_dynamic_info  */
	0xf1402573, /* csrr  a0, mhartid                           */
	0x0202b583, /* ld    a1, 32(t0)     a1 = DTB address       */
	0x0182b283, /* ld    t0, 24(t0)     t0 = entry             */
	0x00028067, /* jr    t0                                    */
};

static void write_rom(struct machine *m)
{
	uint64_t words[2 + 6] = {
		m->entry, m->fdt_addr,
		/* struct fw_dynamic_info: magic, version, next_addr,
		 * next_mode, options, boot_hart */
		FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, m->kernel_entry,
		FW_NEXT_MODE_S, 0, 0,
	};
	uint8_t *rom = m->rom->host;

	memcpy(rom, rom_code, sizeof(rom_code));
	memcpy(rom + sizeof(rom_code), words, sizeof(words));
}

/* Load one image: an ELF by its physical addresses, anything else (a Linux
 * Image, U-Boot, OpenSBI) as a raw binary at addr, as QEMU does, unless it
 * is recognisably not for RISC-V. */
static int load_image(struct machine *m, const char *path, uint64_t addr,
		      struct load_result *res, bool want_htif)
{
	struct file_buf f;
	const char *why;
	int rc;

	if (file_read(path, &f) < 0)
		return -1;
	if (is_elf(&f)) {
		rc = elf_load(path, &f, &m->as, res);
		if (rc == 0 && want_htif &&
		    elf_symbol(&f, "tohost", &m->tohost) == 0) {
			m->htif = true;
			if (elf_symbol(&f, "fromhost", &m->fromhost) < 0)
				m->fromhost = 0;
		}
	} else if ((why = foreign_format(&f))) {
		fprintf(stderr, "glass: %s: %s\n", path, why);
		rc = -1;
	} else {
		/* An Image runs from any 2 MiB-aligned address: RAM + 2 MiB,
		 * right after the firmware, as on QEMU. */
		rc = raw_load(path, &f, &m->as, addr, res);
	}
	file_free(&f);
	return rc;
}

static int load_initrd(struct machine *m, uint64_t kernel_end,
		       uint64_t *start, uint64_t *end)
{
	struct file_buf f;

	if (file_read(m->cfg.initrd, &f) < 0)
		return -1;
	uint64_t top = m->fdt_addr;
	if (f.size > top - kernel_end ||
	    align_down(top - f.size, PAGE_SIZE) < kernel_end) {
		fprintf(stderr, "glass: %s: initrd (%llu bytes) does not fit in "
			"RAM between the kernel and the device tree; use a larger -m\n",
			m->cfg.initrd, (unsigned long long)f.size);
		file_free(&f);
		return -1;
	}
	*start = align_down(top - f.size, PAGE_SIZE);
	*end = *start + f.size;
	as_load(&m->as, *start, f.data, f.size);
	file_free(&f);
	return 0;
}

static int place_fdt(struct machine *m, uint64_t initrd_start,
		     uint64_t initrd_end)
{
	void *fdt;

	if (m->cfg.dtb) {
		struct file_buf f;
		if (file_read(m->cfg.dtb, &f) < 0)
			return -1;
		if (!fdt_user_blob_ok(f.data, f.size, FDT_RESERVE)) {
			fprintf(stderr, "glass: %s: not a valid device tree blob "
				"(or larger than 64 KiB)\n", m->cfg.dtb);
			file_free(&f);
			return -1;
		}
		/* like QEMU: -append and -initrd still reach /chosen */
		fdt = fdt_with_chosen(f.data, FDT_RESERVE, m->cfg.append,
				      initrd_start, initrd_end);
		file_free(&f);
		if (!fdt) {
			fprintf(stderr, "glass: %s: cannot add /chosen to the device "
				"tree (too large?)\n", m->cfg.dtb);
			return -1;
		}
	} else {
		struct fdt_params p = {
			.nharts = m->nharts, .ram_size = m->cfg.ram_size,
			.bootargs = m->cfg.append,
			.initrd_start = initrd_start, .initrd_end = initrd_end,
			.pci = &m->pci, .devices = m->devices,
		};
		fdt = fdt_build(&p);
		if (!fdt)
			return -1;
	}
	free(m->fdt);
	m->fdt = fdt;
	as_load(&m->as, m->fdt_addr, fdt, fdt_totalsize(fdt));
	return 0;
}

int boot_prepare(struct machine *m)
{
	uint64_t ram = virt_map[VIRT_DRAM].base;
	uint64_t ram_top = ram + m->cfg.ram_size;
	struct load_result fw = { 0 }, k = { 0 };
	bool bios_none = m->cfg.bios && !strcmp(m->cfg.bios, "none");
	uint64_t initrd_start = 0, initrd_end = 0, used_end = ram;

	/* The DTB sits in the last 2 MiB-aligned slot below min(top, 3 GiB),
	 * where early kernel code can reach it. */
	uint64_t fdt_top = ram_top < 0xc0000000ull ? ram_top : 0xc0000000ull;
	m->fdt_addr = align_down(fdt_top - FDT_RESERVE, FDT_ALIGN);

	if (!bios_none) {
		const char *bios = m->cfg.bios ? m->cfg.bios : DEFAULT_BIOS;
		if (load_image(m, bios, ram, &fw, false) < 0)
			return -1;
		m->entry = fw.entry;
		used_end = fw.high;
	}
	if (m->cfg.kernel) {
		uint64_t at = bios_none ? ram : ram + VIRT_KERNEL_OFFSET;
		if (load_image(m, m->cfg.kernel, at, &k, bios_none) < 0)
			return -1;
		if (!bios_none && k.low < used_end) {
			fprintf(stderr, "glass: %s: kernel overlaps the firmware\n",
				m->cfg.kernel);
			return -1;
		}
		m->kernel_entry = k.entry;
		used_end = k.high;
		if (bios_none)
			m->entry = k.entry;
	} else {
		m->kernel_entry = ram + VIRT_KERNEL_OFFSET;
		if (bios_none) {
			fprintf(stderr, "glass: -bios none needs -kernel\n");
			return -1;
		}
	}
	if (used_end > m->fdt_addr) {
		fprintf(stderr, "glass: images do not fit in %llu MiB of RAM\n",
			(unsigned long long)(m->cfg.ram_size >> 20));
		return -1;
	}
	if (m->cfg.initrd && load_initrd(m, used_end, &initrd_start,
					 &initrd_end) < 0)
		return -1;
	if (place_fdt(m, initrd_start, initrd_end) < 0)
		return -1;
	write_rom(m);
	return 0;
}

int boot_dump_dtb(const struct machine *m, const char *path)
{
	FILE *fp = fopen(path, "wb");

	bool ok = fp && fwrite(m->fdt, 1, fdt_totalsize(m->fdt), fp) ==
			fdt_totalsize(m->fdt);
	if (fp && fclose(fp) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "glass: %s: cannot write the device tree\n", path);
		if (fp)
			unlink(path); /* never leave half a blob behind */
		return -1;
	}
	return 0;
}
