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
