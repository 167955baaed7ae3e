# The peercred command as static musl binaries, which run on any Linux, for
# x86_64 and aarch64: built, run (aarch64 under qemu), shipped under dist/cli/.
.PHONY: cli-static test-cli-static dist-cli

CLI_TARGETS := x86_64-unknown-linux-musl aarch64-unknown-linux-musl
cli_static   = $(BUILD)/cli-static/peercred-$(VERSION)-$(1)

define cli_build
	$(WITH_ZIG) $(CARGO) zigbuild --release -p peercred-cli --target $(1)
	install -Dm755 $(ROOT)/target/$(1)/release/peercred $(call cli_static,$(1))
endef

cli-static: zig-tools
	$(foreach t,$(CLI_TARGETS),$(call cli_build,$(t))$(newline))

test-cli-static: cli-static python | cross-system
	@echo "== the static peercred commands (aarch64 under $(QEMU))"
	$(UNDER_QEMU) $(VENV)/bin/python -m pytest -q -p no:cacheprovider $(ROOT)/tests/platforms/test_cli_static.py

dist-cli: cli-static
	rm -rf $(DIST)/cli && mkdir -p $(DIST)/cli
	cp $(foreach t,$(CLI_TARGETS),$(call cli_static,$(t))) $(DIST)/cli/
