# The C library: build, stage with its SONAME links, test, install, dist.
.PHONY: c c-lib test-c install install-lib dist-c bench-c

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

# cargo decides what is stale; staging is a few copies.
c-lib:
	$(CARGO) build --release -p peercred-ffi
	install -Dm755 $(ROOT)/target/release/libpeercred_ffi.so $(C_LIB)/$(C_SO)
	ln -sf $(C_SO) $(C_LIB)/libpeercred.so.0
	ln -sf libpeercred.so.0 $(C_LIB)/libpeercred.so
	install -Dm644 $(ROOT)/target/release/libpeercred_ffi.a $(C_LIB)/libpeercred.a

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
	install -Dm755 $(C_LIB)/$(C_SO) $(DESTDIR)$(PREFIX)/lib/$(C_SO)
	ln -sf $(C_SO) $(DESTDIR)$(PREFIX)/lib/libpeercred.so.0
	ln -sf libpeercred.so.0 $(DESTDIR)$(PREFIX)/lib/libpeercred.so
	install -Dm644 $(C_LIB)/libpeercred.a $(DESTDIR)$(PREFIX)/lib/libpeercred.a
	install -Dm644 $(ROOT)/include/peercred.h $(DESTDIR)$(PREFIX)/include/peercred.h
	install -Dm644 -t $(DESTDIR)$(PREFIX)/share/doc/peercred $(ROOT)/LICENSE-MIT $(ROOT)/LICENSE-APACHE
	mkdir -p $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed -e 's|@PREFIX@|$(PC_PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@STATIC_LIBS@|$(C_STATIC_LIBS)|' \
	  $(ROOT)/crates/peercred-ffi/peercred.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/peercred.pc

# One archive per target: peercred-VERSION-TARGET/{include,lib,share/doc/peercred}.
C_TARGET  ?= $(shell rustc -vV | sed -n 's/^host: //p')
C_ARCHIVE := peercred-$(VERSION)-$(C_TARGET)
dist-c:
	rm -rf $(DIST)/c $(BUILD)/c/dist
	$(MAKE) --no-print-directory install-lib PREFIX= DESTDIR=$(BUILD)/c/dist/$(C_ARCHIVE) PC_PREFIX='$$$${pcfiledir}/../..'
	mkdir -p $(DIST)/c
	tar -C $(BUILD)/c/dist --sort=name --owner=0 --group=0 --numeric-owner -czf $(DIST)/c/$(C_ARCHIVE).tar.gz $(C_ARCHIVE)

bench-c: c-lib
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/bench.c -o $(BUILD)/c/bench $(C_RPATH)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/messages.c -o $(BUILD)/c/bench-messages $(C_RPATH)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -I$(ROOT)/include $(ROOT)/bench/c/whereabouts.c -o $(BUILD)/c/bench-where $(C_RPATH)
