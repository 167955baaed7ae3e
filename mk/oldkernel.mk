# Kernels without SO_PEERPIDFD (Linux 5.3 to 6.4), where PeerProcess is the
# proven sock_diag fallback. tests/old-kernel/as-old-kernel makes this kernel
# answer as those do (each language's suite runs its process tests through it:
# see test-rust, test-c, test-python, test-node); test-old-kernel runs a
# focused set on a real Debian 12 Linux 6.1 under qemu.
.PHONY: test-old-kernel

AS_OLD_KERNEL := $(BUILD)/as-old-kernel

$(AS_OLD_KERNEL): $(ROOT)/tests/old-kernel/as-old-kernel.c
	@mkdir -p $(@D)
	$(CC) $(C_FLAGS) $< -o $@

# The real thing, 3 to 4 minutes (not in make test): the core's process tests (built here with
# cargo, run there) and the whole C suite, on Debian 12's own Linux 6.1 under
# qemu (tests/old-kernel/vm.sh; its first run installs qemu and fetches the
# kernel package). The core's process table also runs before unix_diag loads.
OLD_KERNEL_RUST_TESTS := process_table extras right_process namespaces peers
OLD_KERNEL_DIR := $(BUILD)/old-kernel

test-old-kernel: c $(BUILD)/c/cases.h
	@mkdir -p $(OLD_KERNEL_DIR)
	$(CC) $(C_TEST_CC) -o $(OLD_KERNEL_DIR)/c-suite $(C_RPATH)
	$(CARGO) test --no-run -q -p peercred $(addprefix --test ,$(OLD_KERNEL_RUST_TESTS)) --message-format=json \
	  | $(PYTHON) -c 'import json,sys; [print(m["executable"]) for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["kind"] == ["test"]]' \
	  | sort > $(OLD_KERNEL_DIR)/rust-tests
	$(ROOT)/tests/old-kernel/run.sh $$(grep /process_table- $(OLD_KERNEL_DIR)/rust-tests) \
	  $$(cat $(OLD_KERNEL_DIR)/rust-tests) $(OLD_KERNEL_DIR)/c-suite
