/* Loading guest images into the address space. Each function prints one
 * line naming the file and the problem and returns -1 on failure. */
#ifndef GLASS_MACHINE_LOADER_H
#define GLASS_MACHINE_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/address_space.h"

struct file_buf {
	uint8_t *data;
	uint64_t size;
};

struct load_result {
	uint64_t entry;
	uint64_t low, high;   /* physical range the image occupies */
};

/* Read a whole regular, non-empty file. */
int file_read(const char *path, struct file_buf *f);
void file_free(struct file_buf *f);

bool is_elf(const struct file_buf *f);
bool is_riscv_image(const struct file_buf *f);
/* If the file is recognisably something other than a RISC-V kernel or
 * firmware (compressed, another architecture, a DTB...), why; else NULL. */
const char *foreign_format(const struct file_buf *f);

/* Load an RV64 ELF's PT_LOAD segments at their physical addresses. */
int elf_load(const char *path, const struct file_buf *f,
	     struct address_space *as, struct load_result *res);
/* Value of a symbol from the ELF's symbol table; -1 if absent. */
int elf_symbol(const struct file_buf *f, const char *name, uint64_t *value);
/* Copy the file to RAM at addr. */
int raw_load(const char *path, const struct file_buf *f,
	     struct address_space *as, uint64_t addr, struct load_result *res);

#endif
