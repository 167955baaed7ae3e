# The Node package: build the addon with napi-rs, pack the tarball (with the
# prebuilt linux-x64-gnu binary), install it into a scratch project and test
# it there, never from the source folder.
.PHONY: node test-node dist-node bench-node

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

node: $(NODE_MODULES)
	cd $(NODE_DIR) && npx napi build --platform --release --strip \
	  --js binding.js --dts binding.d.ts --js-package-name @peercred/node
	mkdir -p $(NODE_BUILD)
	cp $(ROOT)/LICENSE-MIT $(ROOT)/LICENSE-APACHE $(NODE_DIR)/
	cd $(NODE_DIR) && npm pack --pack-destination $(NODE_BUILD) $(NPM_QUIET) >/dev/null
	$(call node_install,$(NODE_SCRATCH))
	rm -rf $(ROOT)/examples/node/node_modules
	mkdir -p $(ROOT)/examples/node/node_modules/@peercred
	cp -r $(NODE_SCRATCH)/node_modules/@peercred/node $(ROOT)/examples/node/node_modules/@peercred/

test-node: node $(AS_OLD_KERNEL)
	$(NODE_DIR)/tests/bare-install.sh $(NODE_TGZ) $(NODE_BUILD)/bare
	@echo "== index.d.ts under tsc --strict"
	cd $(NODE_DIR) && npx tsc -p tsconfig.json
	@echo "== node --test against the installed tarball"
	rm -rf $(NODE_SCRATCH)/tests && cp -r $(NODE_DIR)/tests $(NODE_SCRATCH)/tests
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(PYTHON) tests/with-fixtures.py node tests/cases.fixtures.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(PYTHON) tests/with-fixtures.py node tests/messages.fixtures.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(PYTHON) tests/with-senders.py node tests/messages.senders.js
	@echo "== the addon built with the core's fault injection, for the panic test"
	$(CARGO) build -p peercred-node --features fault-injection
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) PEERCRED_FAULT_BUILD=$(ROOT)/target/debug/libpeercred_node.so \
	  node --test tests/*.test.js
	@echo "== the process table as on kernels without SO_PEERPIDFD, then without pidfd_open"
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(AS_OLD_KERNEL) node --test tests/process.test.js
	cd $(NODE_SCRATCH) && PEERCRED_REPO=$(ROOT) $(AS_OLD_KERNEL) --no-pidfd-open node --test tests/process.test.js

dist-node: node
	rm -rf $(DIST)/node && mkdir -p $(DIST)/node
	cp $(NODE_TGZ) $(DIST)/node/
