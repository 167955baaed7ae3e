# The public surfaces of record, committed in api/: the C ABI (abidw XML of
# libpeercred.so and the header's constants), the Rust crate's API, the Python
# package's typed __all__ and the Node package's index.d.ts. `make api-check`
# fails on anything removed or altered without the version bump the policy in
# CONTRIBUTING.md asks for (adding is fine); `make baselines` records the
# current surfaces after such a bump, or to bless the API of a not yet released
# version.
.PHONY: api-check baselines api-surfaces abigail-tools test-api-breaks

API_DIR      := $(ROOT)/api
API_NOW      := $(BUILD)/api/now
RUST_SURFACE := $(ROOT)/target/debug/peercred-rust-surface
API_ENV      := RUST_SURFACE=$(RUST_SURFACE) NODE_PATH=$(NODE_DIR)/node_modules CARGO=$(CARGO)

# libabigail's abidw and abidiff (Debian's abigail-tools).
abigail-tools:
	@command -v abidiff >/dev/null || { apt-get update -qq && apt-get install -y -qq abigail-tools >/dev/null; }

api-surfaces: abigail-tools $(NODE_MODULES)
	$(CARGO) build --quiet --manifest-path $(ROOT)/tests/api/rust-surface/Cargo.toml --target-dir $(ROOT)/target
	$(API_ENV) $(ROOT)/tests/api/surfaces.sh $(API_NOW)

api-check: api-surfaces
	$(PYTHON) $(ROOT)/tests/api/compare.py $(API_DIR) $(API_NOW) $(VERSION)

baselines: api-surfaces
	cd $(API_NOW) && for surface in */; do rm -rf $(API_DIR)/$$surface; done
	cp -r $(API_NOW)/. $(API_DIR)/
	echo $(VERSION) > $(API_DIR)/VERSION
	@echo "api/ now records the surfaces of $(VERSION): review and commit the diff (git diff --stat api/)"

# Deliberate breaks in a copy of the repository must fail with readable reports.
test-api-breaks: api-surfaces
	$(API_ENV) $(PYTHON) $(ROOT)/tests/api/test_breaks.py
