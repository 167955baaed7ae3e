# The `peercred` command: release build, `make install` (bin/peercred and its
# man pages under PREFIX, beside the library), and a check of that install.
.PHONY: cli install-cli test-cli

CLI_MAN := $(wildcard $(ROOT)/crates/peercred-cli/man/*.1)
CLI_STAGE := $(BUILD)/cli/stage

cli:
	$(CARGO) build --release -p peercred-cli

install-cli: cli
	install -Dm755 $(ROOT)/target/release/peercred $(DESTDIR)$(PREFIX)/bin/peercred
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m644 $(CLI_MAN) $(DESTDIR)$(PREFIX)/share/man/man1/

install: install-cli

# The man pages themselves are drift-tested by `cargo test` (crates/peercred-cli/src/man.rs).
test-cli:
	rm -rf $(CLI_STAGE)
	$(MAKE) --no-print-directory install PREFIX=$(CLI_STAGE)
	test "$$($(CLI_STAGE)/bin/peercred --version)" = "peercred $(VERSION)"
	for page in peercred peercred-who peercred-kill peercred-wait peercred-serve; do \
	  test -s $(CLI_STAGE)/share/man/man1/$$page.1; done
	@# The installed command answers: nothing at this path, exit 1.
	rc=0; $(CLI_STAGE)/bin/peercred who $(CLI_STAGE)/none.sock 2>/dev/null || rc=$$?; test $$rc -eq 1
	@echo "test-cli: make install placed a working bin/peercred and its man pages"
