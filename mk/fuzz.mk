# `make fuzz` (not part of make test): libFuzzer with AddressSanitizer over the
# C functions that take buffers and lengths, for FUZZ_SECONDS. cargo fuzz needs
# nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
.PHONY: fuzz
FUZZ_SECONDS ?= 120

fuzz:
	$(CARGO) install cargo-fuzz --version 0.13.2 --locked --root $(BUILD)/tools
	cd $(ROOT)/fuzz && RUSTC_BOOTSTRAP=1 $(BUILD)/tools/bin/cargo-fuzz run buffers -- \
	  -max_total_time=$(FUZZ_SECONDS) -detect_leaks=1
