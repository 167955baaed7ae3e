# The Rust crates: formatting, lints, unit/integration/doc tests, docs, examples.
.PHONY: test-rust test-rust-musl rust-examples

test-rust: $(AS_OLD_KERNEL)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --exclude peercred-node -- -D warnings
	@# napi-derive registers functions only outside cfg(test), so its test build reports them unused.
	$(CARGO) clippy -p peercred-node -- -D warnings
	$(CARGO) test
	@echo "== the core's process facts again as on kernels before 6.13 (no PIDFD_GET_INFO)"
	PEERCRED_FAULT=no-pidfd-info $(CARGO) test -q -p peercred --features fault-injection \
	  --test right_process --test namespaces --test identity --test extras
	@echo "== the core's process facts as on kernels without SO_PEERPIDFD (the sock_diag fallback), then without pidfd_open"
	$(AS_OLD_KERNEL) $(CARGO) test -q -p peercred --test process_table \
	  --test right_process --test namespaces --test identity --test extras --test peers --test threads
	$(AS_OLD_KERNEL) --no-pidfd-open $(CARGO) test -q -p peercred --test process_table --test extras
	@echo "== where the caller lives again as on Linux 6.1 (no PIDFD_GET_INFO, namespace ioctls, namespace ids, pidfs)"
	PEERCRED_FAULT=no-pidfd-info,no-pidfd-ns,no-ns-id,no-pidfs $(CARGO) test -q -p peercred \
	  --features fault-injection --test whereabouts
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p peercred -p peercred-ffi

rust-examples:
	$(CARGO) build -p peercred-examples

# The same tests linked statically against musl (the target's default), where
# they run natively. The bindings are tested from their languages, and the C
# ABI by the C suite built with musl-gcc (test-c-musl): the ffi crate's own
# tests (the header drift check) would build cbindgen for musl for nothing.
test-rust-musl: rust-targets
	$(CARGO) test --target x86_64-unknown-linux-musl --workspace \
	  --exclude peercred-ffi --exclude peercred-python --exclude peercred-node
