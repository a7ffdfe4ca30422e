/* Image loaders: ELF, RISC-V Linux Image, raw binaries, initrd. Every file
 * is untrusted input: each size and offset is checked before use, and any
 * problem becomes one line naming the file. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine/loader.h"

#define MAX_FILE (1ull << 32)

int file_read(const char *path, struct file_buf *f)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; the
	 * regular-file check below then refuses it */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *fp = fd < 0 ? NULL : fdopen(fd, "rb");
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		fprintf(stderr, "glass: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "glass: %s: not a regular file\n", path);
		fclose(fp);
		return -1;
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > MAX_FILE) {
		fprintf(stderr, "glass: %s: %s\n", path,
			st.st_size ? "file too large" : "file is empty");
		fclose(fp);
		return -1;
	}
	f->data = malloc(st.st_size);
	f->size = st.st_size;
	if (!f->data || fread(f->data, 1, f->size, fp) != f->size) {
		fprintf(stderr, "glass: %s: read error\n", path);
		free(f->data);
		f->data = NULL;
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

void file_free(struct file_buf *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

bool is_elf(const struct file_buf *f)
{
	return f->size >= 4 && !memcmp(f->data, ELFMAG, SELFMAG);
}

/* RISC-V Linux Image header: magic "RISCV\0\0\0" at 0x30, "RSC\x05" at 0x38 */
bool is_riscv_image(const struct file_buf *f)
{
	return f->size >= 64 && !memcmp(f->data + 0x30, "RISCV\0\0\0", 8) &&
	       !memcmp(f->data + 0x38, "RSC\x05", 4);
}

const char *foreign_format(const struct file_buf *f)
{
	const uint8_t *d = f->data;

	if (f->size >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return "a gzip-compressed file (decompress the kernel first)";
	if (f->size >= 0x206 && !memcmp(d + 0x202, "HdrS", 4))
		return "an x86 bzImage, not a RISC-V image";
	if (f->size >= 2 && d[0] == 'M' && d[1] == 'Z' && !is_riscv_image(f))
		return "a PE/EFI image for another architecture";
	if (f->size >= 4 && !memcmp(d, "\x7f" "ELF", 4))
		return NULL; /* ELFs are checked field by field */
	if (f->size >= 4 && (!memcmp(d, "\xd0\x0d\xfe\xed", 4)))
		return "a device tree blob, not a kernel (use -dtb)";
	if (f->size >= 6 && !memcmp(d, "070701", 6))
		return "a cpio archive, not a kernel (use -initrd)";
	return NULL;
}

/* Headers are copied out of the file before use: their offsets in the
 * file need not be aligned. */
static Elf64_Ehdr ehdr_at(const struct file_buf *f)
{
	Elf64_Ehdr e;

	memcpy(&e, f->data, sizeof(e)); /* callers checked the size */
	return e;
}

static int elf_check(const char *path, const struct file_buf *f)
{
	if (f->size < sizeof(Elf64_Ehdr)) {
		fprintf(stderr, "glass: %s: truncated ELF header\n", path);
		return -1;
	}
	Elf64_Ehdr e = ehdr_at(f);
	const Elf64_Ehdr *eh = &e;

	if (f->size < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		fprintf(stderr, "glass: %s: not a 64-bit little-endian ELF\n", path);
		return -1;
	}
	if (eh->e_machine != EM_RISCV) {
		fprintf(stderr, "glass: %s: not a RISC-V image (ELF machine %u)\n",
			path, eh->e_machine);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > f->size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > f->size - eh->e_phoff) {
		fprintf(stderr, "glass: %s: truncated or corrupt ELF program headers\n",
			path);
		return -1;
	}
	return 0;
}

int elf_load(const char *path, const struct file_buf *f,
	     struct address_space *as, struct load_result *res)
{
	if (elf_check(path, f) < 0)
		return -1;
	Elf64_Ehdr e = ehdr_at(f);

	res->entry = e.e_entry;
	res->low = UINT64_MAX;
	res->high = 0;
	for (unsigned i = 0; i < e.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, f->data + e.e_phoff + i * sizeof(ph), sizeof(ph));
		const Elf64_Phdr *p = &ph;
		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		if (p->p_filesz > p->p_memsz || p->p_offset > f->size ||
		    p->p_filesz > f->size - p->p_offset) {
			fprintf(stderr, "glass: %s: truncated ELF segment %u\n",
				path, i);
			return -1;
		}
		uint8_t *dst = as_host_ptr(as, p->p_paddr, p->p_memsz, false);
		if (!dst) {
			fprintf(stderr, "glass: %s: segment at 0x%llx (%llu bytes) "
				"is not inside RAM or ROM\n", path,
				(unsigned long long)p->p_paddr,
				(unsigned long long)p->p_memsz);
			return -1;
		}
		memcpy(dst, f->data + p->p_offset, p->p_filesz);
		memset(dst + p->p_filesz, 0, p->p_memsz - p->p_filesz);
		if (p->p_paddr < res->low)
			res->low = p->p_paddr;
		if (p->p_paddr + p->p_memsz > res->high)
			res->high = p->p_paddr + p->p_memsz;
	}
	if (res->low == UINT64_MAX) {
		fprintf(stderr, "glass: %s: ELF has nothing to load\n", path);
		return -1;
	}
	return 0;
}

static Elf64_Shdr shdr_at(const struct file_buf *f, const Elf64_Ehdr *e,
			  unsigned i)
{
	Elf64_Shdr sh;

	memcpy(&sh, f->data + e->e_shoff + i * sizeof(sh), sizeof(sh));
	return sh;
}

/* Look `name` up in one SHT_SYMTAB section whose string table is strs. */
static int find_in_symtab(const struct file_buf *f, const Elf64_Shdr *tab,
			  const Elf64_Shdr *strs, const char *name,
			  uint64_t *value)
{
	const char *str = (const char *)f->data + strs->sh_offset;
	size_t n = tab->sh_size / sizeof(Elf64_Sym);

	for (size_t k = 0; k < n; k++) {
		Elf64_Sym sym;
		memcpy(&sym, f->data + tab->sh_offset + k * sizeof(sym),
		       sizeof(sym));
		uint32_t off = sym.st_name;
		if (off >= strs->sh_size)
			continue;
		size_t room = strs->sh_size - off;
		if (strnlen(str + off, room) == room)
			continue; /* unterminated name */
		if (!strcmp(str + off, name)) {
			*value = sym.st_value;
			return 0;
		}
	}
	return -1;
}

int elf_symbol(const struct file_buf *f, const char *name, uint64_t *value)
{
	if (f->size < sizeof(Elf64_Ehdr))
		return -1;
	Elf64_Ehdr e = ehdr_at(f);

	if (e.e_shoff > f->size || e.e_shentsize != sizeof(Elf64_Shdr) ||
	    (uint64_t)e.e_shnum * sizeof(Elf64_Shdr) > f->size - e.e_shoff)
		return -1;
	for (unsigned i = 0; i < e.e_shnum; i++) {
		Elf64_Shdr tab = shdr_at(f, &e, i);
		if (tab.sh_type != SHT_SYMTAB || tab.sh_link >= e.e_shnum)
			continue;
		Elf64_Shdr strs = shdr_at(f, &e, tab.sh_link);
		if (tab.sh_offset > f->size ||
		    tab.sh_size > f->size - tab.sh_offset ||
		    strs.sh_offset > f->size ||
		    strs.sh_size > f->size - strs.sh_offset)
			return -1;
		if (find_in_symtab(f, &tab, &strs, name, value) == 0)
			return 0;
	}
	return -1;
}

int raw_load(const char *path, const struct file_buf *f,
	     struct address_space *as, uint64_t addr, struct load_result *res)
{
	uint8_t *dst = as_host_ptr(as, addr, f->size, false);

	if (!dst) {
		fprintf(stderr, "glass: %s: %llu bytes do not fit in RAM at 0x%llx\n",
			path, (unsigned long long)f->size,
			(unsigned long long)addr);
		return -1;
	}
	memcpy(dst, f->data, f->size);
	res->entry = addr;
	res->low = addr;
	res->high = addr + f->size;
	return 0;
}
