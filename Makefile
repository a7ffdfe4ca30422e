# glass: see-through RISC-V machine.
#   make            build build/glass
#   make test       the whole suite (unit, ISA, Linux), then once more under ASan+UBSan
#   make SAN=1      build with AddressSanitizer + UndefinedBehaviorSanitizer into build-san/

CC      ?= cc
SAN     ?= 0
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS =
OPT     ?= -O2 -g
endif

VERSION := 0.1.0
CFLAGS  ?= $(OPT)
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
           -Isrc -Iinclude -MMD -MP $(SANFLAGS) -DGLASS_VERSION='"$(VERSION)"'
LDLIBS  += -lfdt -lzstd -lm -lslirp

LIB_SRCS  := $(sort $(wildcard src/*/*.c src/*/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/src/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all test unit isa trace-elfs plugins gdb-elfs clean guest run deps install
all: $(BUILD)/glass

$(BUILD)/libglass.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# Device plugins (-device plugin,path=...) call the glass_* functions of
# include/glass/device.h: export those, and only those, from the binary.
PLUGIN_LDFLAGS := -Wl,--export-dynamic-symbol=glass_*

$(BUILD)/glass: $(MAIN_OBJ) $(BUILD)/libglass.a
	$(CC) $(CFLAGS) $(PLUGIN_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(BUILD)/libglass.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The threaded interpreter: keep one dispatch jump per operation (GCC would
# otherwise merge them back into one, which predicts badly), and start it on
# a cache line, so its handlers sit on the same lines in every build (its
# speed otherwise moves by several percent with what is linked before it).
$(BUILD)/src/cpu/exec.o: CFLAGS += -fno-gcse -fno-crossjumping -falign-functions=64

# ISA test programs (bare metal, HTIF): tests/isa/*.S -> build/isa/*.elf
ISA_SRCS := $(sort $(wildcard tests/isa/*.S))
ISA_ELFS := $(ISA_SRCS:tests/isa/%.S=build/isa/%.elf)
RV_CC    ?= riscv64-linux-gnu-gcc
build/isa/%.elf: tests/isa/%.S tests/isa/isa.ld $(wildcard tests/isa/*.h)
	@mkdir -p $(@D)
	$(RV_CC) -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
		-Itests/isa -T tests/isa/isa.ld -o $@ $<

# Trace golden programs (bare metal, HTIF): tests/trace/*.S -> build/trace/*.elf
TRACE_SRCS := $(sort $(wildcard tests/trace/*.S))
TRACE_ELFS := $(TRACE_SRCS:tests/trace/%.S=build/trace/%.elf)
build/trace/%.elf: tests/trace/%.S tests/trace/trace.ld $(wildcard tests/trace/*.h)
	@mkdir -p $(@D)
	$(RV_CC) -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
		-Itests/trace -T tests/trace/trace.ld -o $@ $<

# Test plugins (tests/plugin/*.c -> build/plugin/*.so), built the way a
# user builds one: cc -shared -fPIC against include/glass/.
PLUGIN_SRCS := $(sort $(wildcard tests/plugin/*.c))
PLUGINS := $(PLUGIN_SRCS:tests/plugin/%.c=build/plugin/%.so)
build/plugin/%.so: tests/plugin/%.c $(wildcard include/glass/*.h)
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O2 -std=gnu11 -Wall -Wextra -Werror \
		-Wno-unused-parameter -Iinclude -o $@ $<

# Bare-metal test programs in C (tests/reset/*.c), on the bare-metal
# examples' start-up code: build/reset/*.elf
RESET_ELFS := $(patsubst tests/reset/%.c,build/reset/%.elf,$(wildcard tests/reset/*.c))
build/reset/%.elf: tests/reset/%.c guest/baremetal/start.S guest/baremetal/link.ld \
		   guest/include/glass-hc.h
	@mkdir -p $(@D)
	$(RV_CC) -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -g \
		-ffreestanding -fno-pie -fno-stack-protector -fno-builtin \
		-Wall -Wextra -Werror -Iguest/include -nostdlib -nostartfiles \
		-static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T guest/baremetal/link.ld -o $@ guest/baremetal/start.S $<

# Programs for the GDB tests (tests/gdb/run.sh): C with debug info on the
# bare-metal start-up code, and an SMP loop in assembly.
GDB_ELFS := build/gdb/prog.elf build/gdb/smp.elf
build/gdb/prog.elf: tests/gdb/prog.c guest/baremetal/start.S \
		    guest/baremetal/link.ld
	@mkdir -p $(@D)
	$(RV_CC) -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -Og -g \
		-ffreestanding -fno-pie -fno-stack-protector -fno-builtin \
		-Wall -Wextra -Werror -nostdlib -nostartfiles -static -no-pie \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T guest/baremetal/link.ld -o $@ guest/baremetal/start.S $<
build/gdb/smp.elf: tests/gdb/smp.S guest/baremetal/link.ld
	@mkdir -p $(@D)
	$(RV_CC) -march=rv64imac_zicsr -mabi=lp64 -g -nostdlib -nostartfiles \
		-static -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T guest/baremetal/link.ld -o $@ $<

unit: $(BUILD)/unit-tests
isa: $(ISA_ELFS)
trace-elfs: $(TRACE_ELFS) $(RESET_ELFS)
plugins: $(PLUGINS)
gdb-elfs: $(GDB_ELFS)

# Debian packages glass and its guest need (apt-get; sudo when not root).
deps:
	guest/setup-deps.sh

# The default guest: Linux 6.1 + busybox + pciutils, cached in ~/.cache/glass.
guest: deps
	guest/build.sh build/guest

# Boot the default guest: a shell on a terminal, a scripted tour otherwise.
run: deps all guest
	guest/run.sh build/glass build/guest

# Benchmark glass against qemu-system-riscv64 (docs/performance.md): same
# kernel, bench initramfs, alternating runs, a table of medians and targets.
# The first run also builds the fuller kernel of the second boot row
# (bench/build-kernel-full.sh, about 40 minutes on 2 cores, then cached).
# Exit 0 (a report) unless BENCH_STRICT=1 and a target is missed.
.PHONY: bench
bench: all guest
	bench/build-initramfs.sh build/guest build/bench
	bench/build-kernel-full.sh build/bench
	python3 bench/run.py --glass $(BUILD)/glass

# Trace overhead (docs/performance.md): builds build/bench-notrace (no emit
# sites, -DGLASS_NO_TRACE) and build/bench-trace, boots the bench guest with
# tracing compiled out, off, `--trace mmio` and `--trace all`; a report.
.PHONY: bench-trace
bench-trace: guest
	bench/build-initramfs.sh build/guest build/bench
	python3 bench/trace_overhead.py

test: deps
	$(MAKE) all unit isa trace-elfs plugins gdb-elfs guest
	$(MAKE) SAN=1 all unit
	tests/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=...]: glass, its man page, and
# the default guest when it has been built.
PREFIX ?= /usr/local
install: all
	install -D -m 755 $(BUILD)/glass $(DESTDIR)$(PREFIX)/bin/glass
	install -D -m 644 man/glass.1 $(DESTDIR)$(PREFIX)/share/man/man1/glass.1
	if [ -f build/guest/Image ]; then \
		install -D -m 644 build/guest/Image $(DESTDIR)$(PREFIX)/share/glass/Image; \
		install -D -m 644 build/guest/initramfs.cpio.gz \
			$(DESTDIR)$(PREFIX)/share/glass/initramfs.cpio.gz; \
	fi

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJS:.o=.d)

# ---- fuzzing (libFuzzer, clang; see fuzz/README.md) ------------------------
#   make fuzz        each target for FUZZ_SECONDS (default 600), from its corpus
#   make fuzz-ci     each target for 30 s
#   make fuzz-build  just the targets (build-fuzz/fuzz_*); fuzz/regress.sh replays
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := exec mmu mmio pci_config loader plugin virtio snapshot jit gdb
FUZZ_CFLAGS  := -O1 -g -std=gnu11 -Isrc -Iinclude -Ifuzz -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -DGLASS_VERSION='"$(VERSION)"' $(FUZZ_EXTRA)
FUZZ_OBJS    := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-ci fuzz-build fuzz-clean
fuzz-build: $(FUZZ_BINS)

$(FUZZ_BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libglass.a: $(FUZZ_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libglass.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d -o $@ $< \
		$(FUZZ_BUILD)/libglass.a -lfdt -lzstd -lm -lslirp

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) fuzz/run.sh 30 $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
