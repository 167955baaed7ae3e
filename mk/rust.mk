# The Rust crates: formatting, lints, unit/integration/doc tests, docs, examples.
.PHONY: test-rust rust-examples

test-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --exclude peercred-node -- -D warnings
	@# napi-derive registers functions only outside cfg(test), so its test build reports them unused.
	$(CARGO) clippy -p peercred-node -- -D warnings
	$(CARGO) test
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p peercred -p peercred-ffi

rust-examples:
	$(CARGO) build -p peercred-examples
