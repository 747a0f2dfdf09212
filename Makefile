# SPDX-License-Identifier: GPL-2.0-only
# conduct: everything is built out of tree under $(BUILD).
#
#   make            build build/conduct (installs missing Debian packages when root)
#   make test       unit tests (ASan+UBSan), fuzz corpus replay, integration tests
#   make demo       the lab, a handful of example connectors, their reports
#   make bench      benchmarks (numbers go to BENCHMARKS.md by hand)
#   make fuzz       libFuzzer runs of every decoder (FUZZ_TIME seconds each)
#   make install    PREFIX=/usr/local

BUILD    ?= build
PREFIX   ?= /usr/local
CC       := gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
FUZZ_TIME ?= 60
VERSION  := 0.1.0

PKGS     := libbpf libseccomp libcap jansson libelf zlib
ifeq ($(MAKECMDGOALS),deps)
PKG_CFLAGS :=
PKG_LIBS   :=
else
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS := -D_GNU_SOURCE -DCONDUCT_VERSION='"$(VERSION)"' -Imonitor -Ibpf -I$(BUILD)/bpf
CFLAGS   := -std=gnu11 -O2 -g $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -MMD -MP
LDFLAGS  := -pie -Wl,-z,relro,-z,now
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

MON_SRCS  := $(sort $(shell find monitor -name '*.c'))
LIB_SRCS  := $(filter-out monitor/main.c,$(MON_SRCS))
BPF_SRCS  := $(sort $(wildcard bpf/*.bpf.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))

MON_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(MON_SRCS))
ASAN_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(LIB_SRCS))
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
REPLAY_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/replay_%,$(FUZZ_SRCS))
LIBFUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS))
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
DEPS_OK   := $(BUILD)/.deps-ok

# Keep the BPF objects and skeletons: they are chained intermediates make would delete.
.SECONDARY:

.PHONY: all deps test unit fuzz-replay integration demo bench fuzz install clean format
all: $(BUILD)/conduct $(HELPER_BINS)

deps: $(DEPS_OK)
$(DEPS_OK): tools/debian-packages.txt tools/deps.sh
	@mkdir -p $(@D)
	@tools/deps.sh
	@touch $@

# --- eBPF: vmlinux.h from the running kernel's BTF, objects, skeletons ------------------------
$(BUILD)/bpf/vmlinux.h: | $(DEPS_OK)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/bpf/vmlinux.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 -Ibpf -I$(BUILD)/bpf \
		-MMD -MP -MF $(@:.o=.d) -MT "$@ $(@:.bpf.o=.skel.h)" -c $< -o $@.tmp.o
	$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# --- the monitor ---------------------------------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(DEPS_OK) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/conduct: $(MON_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# --- unit tests: pure modules, sanitizers, no root -----------------------------------------
$(BUILD)/asan/%.o: %.c | $(DEPS_OK) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN) -c $< -o $@

$(BUILD)/libconduct-asan.a: $(ASAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libconduct-asan.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN) -o $@ $< \
		$(BUILD)/libconduct-asan.a $(PKG_LIBS) -lpthread

# --- fuzz targets: replay main() under sanitizers, libFuzzer with clang ---------------------
$(BUILD)/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libconduct-asan.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN) -o $@ $< tests/fuzz/replay.c \
		$(BUILD)/libconduct-asan.a $(PKG_LIBS) -lpthread

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) | $(DEPS_OK) $(SKELS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) $(PKG_CFLAGS) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(filter monitor/wire/%.c monitor/util/%.c monitor/report/%.c,$(LIB_SRCS)) $(PKG_LIBS)

# --- benchmarks: optimized build of the library, no sanitizers --------------------------------
$(BUILD)/libconduct.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libconduct.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libconduct.a $(PKG_LIBS) -lpthread

# --- helper programs the integration tests run inside the sandbox --------------------------
$(BUILD)/helpers/%: tests/helpers/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -lpthread

# --- the suites ----------------------------------------------------------------------------
test: all $(UNIT_BINS) $(REPLAY_BINS)
	@BUILD=$(BUILD) tests/run.sh

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run.sh unit

fuzz-replay: $(REPLAY_BINS)
	@BUILD=$(BUILD) tests/run.sh fuzz

integration: all
	@BUILD=$(BUILD) tests/run.sh integration

fuzz: $(LIBFUZZ_BINS)
	@for f in $(LIBFUZZ_BINS); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(BUILD)/fuzz/corpus-$$n \
		tests/fuzz/corpus/$${n#fuzz_} || exit 1; done

demo: all
	@BUILD=$(BUILD) examples/demo.sh

bench: all $(BENCH_BINS)
	@BUILD=$(BUILD) tests/bench/run.sh

install: $(BUILD)/conduct
	install -D -m 0755 $(BUILD)/conduct $(DESTDIR)$(PREFIX)/bin/conduct
	mkdir -p $(DESTDIR)$(PREFIX)/share/conduct
	cp -r policies $(DESTDIR)$(PREFIX)/share/conduct/

format:
	clang-format -i $(MON_SRCS) $(wildcard monitor/*/*.h bpf/*.h) $(BPF_SRCS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
