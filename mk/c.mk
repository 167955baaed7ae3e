# The C library: build, stage with its SONAME links, test, install, dist; and
# one archive per target (zig links the library, against glibc 2.17 for gnu),
# whose C suite runs on arm64 under qemu and, built with musl-gcc, on musl.
.PHONY: c c-lib test-c install install-lib dist-c bench-c c-targets c-arm64 test-c-arm64 test-c-musl

PREFIX      ?= /usr/local
DESTDIR     ?=
C_FLAGS     := -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g
C_LIB       := $(BUILD)/c/lib
C_SO        := libpeercred.so.$(VERSION)
# What Rust's std needs from the system when linking libpeercred.a
# (cargo rustc -p peercred-ffi --release -- --print native-static-libs).
C_STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
C_TEST_SRC  := $(wildcard $(ROOT)/tests/c/*.c)
C_TEST_SRC  := $(filter-out %/pkgconfig_check.c,$(C_TEST_SRC))
C_TEST_CC   := $(C_FLAGS) -I$(ROOT)/include -I$(BUILD)/c -DPROCESS_PEERS='"$(ROOT)/tests/process_peers.py"' \
               $(C_TEST_SRC) -pthread
C_RPATH     := -L$(C_LIB) -Wl,-rpath,$(C_LIB) -lpeercred
VALGRIND    := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite

# Installs the library that cargo left in the folder $(1) under the prefix $(2);
# $(3) is the prefix its .pc file names, $(4) what a static link needs besides it.
define c_install
	install -Dm755 $(1)/libpeercred_ffi.so $(2)/lib/$(C_SO)
	ln -sf $(C_SO) $(2)/lib/libpeercred.so.0
	ln -sf libpeercred.so.0 $(2)/lib/libpeercred.so
	install -Dm644 $(1)/libpeercred_ffi.a $(2)/lib/libpeercred.a
	install -Dm644 $(ROOT)/include/peercred.h $(2)/include/peercred.h
	install -Dm644 -t $(2)/share/doc/peercred $(ROOT)/LICENSE-MIT $(ROOT)/LICENSE-APACHE
	mkdir -p $(2)/lib/pkgconfig
	sed -e 's|@PREFIX@|$(3)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@STATIC_LIBS@|$(4)|' \
	  $(ROOT)/crates/peercred-ffi/peercred.pc.in > $(2)/lib/pkgconfig/peercred.pc
endef

# cargo decides what is stale; staging is a few copies.
c-lib:
	$(CARGO) build --release -p peercred-ffi
	$(call c_install,$(ROOT)/target/release,$(BUILD)/c,$(BUILD)/c,$(C_STATIC_LIBS))

c: c-lib
	$(CC) $(C_FLAGS) -I$(ROOT)/include $(ROOT)/examples/c/server.c -o $(BUILD)/c/server $(C_RPATH)
	$(CC) $(C_FLAGS) $(ROOT)/examples/c/client.c -o $(BUILD)/c/client
	$(CC) $(C_FLAGS) -I$(ROOT)/include $(ROOT)/examples/c/logger.c -o $(BUILD)/c/logger $(C_RPATH)

$(BUILD)/c/cases.h: $(ROOT)/tests/cases.json $(ROOT)/tests/c/gen_cases.py
	@mkdir -p $(@D)
	$(PYTHON) $(ROOT)/tests/c/gen_cases.py $< $@

test-c: c $(BUILD)/c/cases.h $(AS_OLD_KERNEL)
	readelf -d $(C_LIB)/$(C_SO) | grep -q 'SONAME.*\[libpeercred\.so\.0\]'
	g++ -fsyntax-only -x c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror $(ROOT)/include/peercred.h
	$(CC) $(C_TEST_CC) -o $(BUILD)/c/test-shared $(C_RPATH)
	$(CC) $(C_TEST_CC) -o $(BUILD)/c/test-static $(C_LIB)/libpeercred.a $(C_STATIC_LIBS)
	$(CC) $(C_TEST_CC) -fsanitize=address,undefined -fno-sanitize-recover=all -o $(BUILD)/c/test-asan $(C_RPATH)
	@echo "== C suite, shared library"; $(BUILD)/c/test-shared
	@echo "== C suite, static library"; $(BUILD)/c/test-static
	@echo "== C suite, AddressSanitizer + UBSan"; $(BUILD)/c/test-asan
	@echo "== C suite as on kernels without SO_PEERPIDFD, then without pidfd_open"
	$(AS_OLD_KERNEL) $(BUILD)/c/test-shared
	$(AS_OLD_KERNEL) --no-pidfd-open $(BUILD)/c/test-shared
	@echo "== C suite, valgrind"; PEERCRED_TEST_READS=2000 $(VALGRIND) $(BUILD)/c/test-shared
	@echo "== pkg-config against a staged install"
	rm -rf $(BUILD)/c/stage
	$(MAKE) --no-print-directory install PREFIX=$(BUILD)/c/stage
	PKG_CONFIG_PATH=$(BUILD)/c/stage/lib/pkgconfig; export PKG_CONFIG_PATH; \
	  $(CC) $(C_FLAGS) $(ROOT)/tests/c/pkgconfig_check.c -o $(BUILD)/c/pkgconfig-check $$(pkg-config --cflags --libs peercred); \
	  LD_LIBRARY_PATH=$$(pkg-config --variable=libdir peercred) $(BUILD)/c/pkgconfig-check

# PC_PREFIX is what the .pc file calls the prefix (dist uses a relocatable one).
PC_PREFIX ?= $(PREFIX)
# The library alone (the C archive's content); `make install` adds the command (mk/cli.mk).
install: install-lib
install-lib: c-lib
	$(call c_install,$(ROOT)/target/release,$(DESTDIR)$(PREFIX),$(PC_PREFIX),$(C_STATIC_LIBS))

# A relocatable .pc file: its prefix is where it lies.
PC_RELOCATABLE := $${pcfiledir}/../..

dist-c: c-lib c-targets
	rm -rf $(DIST)/c
	$(call c_install,$(ROOT)/target/release,$(DIST)/c,$(PC_RELOCATABLE),$(C_STATIC_LIBS))
	cp $(foreach t,$(TARGETS),$(call c_archive,$(t))) $(DIST)/c/

# One archive per target: peercred-VERSION-TARGET/{include,lib,share/doc/peercred}.
C_TARGETS := $(BUILD)/c/targets
c_name     = peercred-$(VERSION)-$(1)
c_archive  = $(C_TARGETS)/$(call c_name,$(1)).tar.gz
c_tree     = $(C_TARGETS)/$(call c_name,$(1))
# A musl target links its C runtime statically by default, which leaves no
# shared library to build: the library is built with it off, as Alpine's own
# libraries are.
c_rustflags   = $(if $(filter %-musl,$(1)),-C target-feature=-crt-static)
# What a static link needs besides libpeercred.a (rustc --print
# native-static-libs with those flags): on musl, libgcc_s for the unwinder.
c_static_libs = $(if $(filter %-gnu,$(1)),$(C_STATIC_LIBS),-lgcc_s -lc)

# The install tree of target $(1) and its archive.
define c_target
	RUSTFLAGS='$(call c_rustflags,$(1))' $(WITH_ZIG) $(CARGO) zigbuild --release -p peercred-ffi --target $(call zig_target,$(1))
	rm -rf $(call c_tree,$(1))
	$(call c_install,$(ROOT)/target/$(1)/release,$(call c_tree,$(1)),$(PC_RELOCATABLE),$(call c_static_libs,$(1)))
	tar -C $(C_TARGETS) --sort=name --owner=0 --group=0 --numeric-owner -czf $(call c_archive,$(1)) $(call c_name,$(1))
endef

c-targets: zig-tools
	$(foreach t,$(TARGETS),$(call c_target,$(t))$(newline))

# Builds the C suite with the compiler command $(1) against the install tree
# $(2) (found through its relocatable .pc file), $(3) being what its static
# link needs, and runs it with the environment $(4): shared, then static.
define c_suite
	PKG_CONFIG_PATH=$(2)/lib/pkgconfig; export PKG_CONFIG_PATH; \
	  $(1) $(C_TEST_CC) -o $(BUILD)/c/$(notdir $(2))-shared $$(pkg-config --cflags --libs peercred) -Wl,-rpath,$$(pkg-config --variable=libdir peercred); \
	  $(1) $(C_TEST_CC) -o $(BUILD)/c/$(notdir $(2))-static $$(pkg-config --cflags peercred) $(2)/lib/libpeercred.a $(3)
	@echo "== C suite, shared library"; $(4) $(BUILD)/c/$(notdir $(2))-shared
	@echo "== C suite, static library"; $(4) $(BUILD)/c/$(notdir $(2))-static
endef

# The examples for aarch64, against the aarch64 archive's library.
C_ARM64 := $(call c_tree,aarch64-unknown-linux-gnu)
c-arm64: c-targets
	mkdir -p $(BUILD)/c/arm64
	$(foreach e,server client,$(ZIG_CC) -target aarch64-linux-gnu.2.17 $(C_FLAGS) -I$(C_ARM64)/include $(ROOT)/examples/c/$(e).c \
	  -o $(BUILD)/c/arm64/$(e) -L$(C_ARM64)/lib -Wl,-rpath,$(C_ARM64)/lib -lpeercred$(newline))

test-c-arm64: c-targets $(BUILD)/c/cases.h | cross-system
	@echo "== the C suite for aarch64-unknown-linux-gnu (zig cc, glibc 2.17) under $(QEMU)"
	$(call c_suite,$(ZIG_CC) -target aarch64-linux-gnu.2.17,$(C_ARM64),$(C_STATIC_LIBS),$(UNDER_QEMU))

# musl-gcc brings no kernel headers (Alpine's linux-headers): give it the
# system's linux/ and asm/ folders alone, none of glibc's. Debian has no musl
# libgcc_s or libgcc_eh (Alpine has): the static link takes the unwinder that
# Rust ships for musl instead.
MUSL_INCLUDE := $(BUILD)/c/musl-include
MUSL_UNWIND   = $(shell rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained/libunwind.a
test-c-musl: c-targets $(BUILD)/c/cases.h | cross-system
	rm -rf $(MUSL_INCLUDE) && mkdir -p $(MUSL_INCLUDE)
	ln -s /usr/include/linux /usr/include/asm-generic /usr/include/x86_64-linux-gnu/asm $(MUSL_INCLUDE)/
	@echo "== the C suite for x86_64-unknown-linux-musl, built with musl-gcc"
	$(call c_suite,musl-gcc -isystem $(MUSL_INCLUDE),$(call c_tree,x86_64-unknown-linux-musl),-static $(MUSL_UNWIND),)

bench-c: c-lib
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/bench.c -o $(BUILD)/c/bench $(C_RPATH)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/messages.c -o $(BUILD)/c/bench-messages $(C_RPATH)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/whereabouts.c -o $(BUILD)/c/bench-where $(C_RPATH)
