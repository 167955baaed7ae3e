# The Node package: the addon built with napi-rs for every target (zig links
# it, against glibc 2.17 for gnu), packed into one tarball with the loader that
# picks the binary at require time (native.js), installed into a scratch
# project and tested there, never from the source folder: with the host's node,
# and with a real arm64 node under qemu.
.PHONY: node test-node test-node-arm64 dist-node bench-node

NODE_DIR     := $(ROOT)/bindings/node
NODE_BUILD   := $(BUILD)/node
NODE_TGZ     := $(NODE_BUILD)/peercred-node-$(VERSION).tgz
NODE_SCRATCH := $(NODE_BUILD)/scratch
NODE_MODULES := $(NODE_DIR)/node_modules/.package-lock.json
NPM_QUIET    := --no-audit --no-fund --loglevel=error

# The locked versions, installed with `npm install --no-save` rather than
# `npm ci`: the registry mirror here lacks the non-Linux optional packages of
# @napi-rs/cli's dependencies, which npm leaves out of the lockfile and which
# `npm ci` then reports as missing. --no-save leaves the lockfile untouched.
$(NODE_MODULES): $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm install --no-save --ignore-scripts $(NPM_QUIET)

# Installs the packed tarball into $(1), an empty project folder.
define node_install
	rm -rf $(1) && mkdir -p $(1)
	echo '{"private": true}' > $(1)/package.json
	cd $(1) && npm install --ignore-scripts $(NPM_QUIET) $(NODE_TGZ)
endef

# -x: cargo-zigbuild with zig as the linker; --platform names each file
# peercred.linux-<arch>-<libc>.node, as native.js expects.
node: $(NODE_MODULES) zig-tools
	$(foreach t,$(TARGETS),cd $(NODE_DIR) && $(WITH_ZIG) npx napi build -x --target $(call zig_target,$(t)) \
	  --platform --release --strip --no-js --dts binding.d.ts$(newline))
	mkdir -p $(NODE_BUILD)
	cp $(ROOT)/LICENSE-MIT $(ROOT)/LICENSE-APACHE $(NODE_DIR)/
	cd $(NODE_DIR) && npm pack --pack-destination $(NODE_BUILD) $(NPM_QUIET) >/dev/null
	$(call node_install,$(NODE_SCRATCH))
	rm -rf $(ROOT)/examples/node/node_modules
	mkdir -p $(ROOT)/examples/node/node_modules/@peercred
	cp -r $(NODE_SCRATCH)/node_modules/@peercred/node $(ROOT)/examples/node/node_modules/@peercred/

# The whole suite with the node binary $(1) in the environment $(3), against
# the installed tarball (which holds every target's binary), $(2) being the
# addon of that node's target built with the core's fault injection. A failed
# assertion can leave a client process behind: --test-force-exit reports the
# failure instead of waiting for it.
define node_suite
	rm -rf $(NODE_SCRATCH)/tests && cp -r $(NODE_DIR)/tests $(NODE_SCRATCH)/tests
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(3) $(PYTHON) tests/with-fixtures.py $(1) tests/cases.fixtures.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(3) $(PYTHON) tests/with-fixtures.py $(1) tests/messages.fixtures.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(3) $(PYTHON) tests/with-senders.py $(1) tests/messages.senders.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) PEERCRED_FAULT_BUILD=$(2) $(3) $(1) --test --test-force-exit tests/*.test.js
endef

test-node: node $(AS_OLD_KERNEL)
	$(NODE_DIR)/tests/bare-install.sh $(NODE_TGZ) $(NODE_BUILD)/bare
	@echo "== index.d.ts under tsc --strict"
	cd $(NODE_DIR) && npx tsc -p tsconfig.json
	@echo "== the addon built with the core's fault injection, for the panic test"
	$(CARGO) build -p peercred-node --features fault-injection
	@echo "== node --test against the installed tarball"
	$(call node_suite,node,$(ROOT)/target/debug/libpeercred_node.so,)
	@echo "== the process table as on kernels without SO_PEERPIDFD, then without pidfd_open"
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(AS_OLD_KERNEL) node --test tests/process.test.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(AS_OLD_KERNEL) --no-pidfd-open node --test tests/process.test.js

# Under qemu each read costs about 20 times more: the stress tests run on the host only.
test-node-arm64: node $(ARM64_NODE)
	$(WITH_ZIG) $(CARGO) zigbuild -p peercred-node --features fault-injection --target $(call zig_target,aarch64-unknown-linux-gnu)
	@echo "== node --test against the installed tarball, arm64 node $(ARM64_NODE_VERSION) under $(QEMU)"
	$(call node_suite,$(ARM64_NODE),$(ROOT)/target/aarch64-unknown-linux-gnu/debug/libpeercred_node.so,$(UNDER_QEMU))

dist-node: node
	rm -rf $(DIST)/node && mkdir -p $(DIST)/node
	cp $(NODE_TGZ) $(DIST)/node/
