# The Python package: one abi3 wheel per target, built with maturin and zig
# (manylinux2014, i.e. glibc 2.17, for gnu; musllinux_1_2 for musl), and the
# sdist. The x86_64 manylinux wheel is installed into a fresh venv (.venv: the
# demo and the tests use the installed wheel, never the source tree), the
# aarch64 one into the venv of a real arm64 CPython run under qemu.
.PHONY: python python-arm64 test-python test-python-arm64 dist-python bench-python

PY_DIR     := $(ROOT)/bindings/python
PY_WHEELS  := $(BUILD)/python/wheels
VENV       := $(ROOT)/.venv
ARM64_VENV := $(CROSS)/venv-arm64
# The venv's interpreter must be executable by the other users that the demo
# and the tests run clients as; pyenv's lives under /root (mode 700).
VENV_PYTHON ?= $(firstword $(wildcard /usr/bin/python3) $(PYTHON))
# The platform tag maturin gives a target's wheel, and the wheel's file.
wheel_platform = $(if $(filter %-gnu,$(1)),manylinux2014,musllinux_1_2)
wheel_of       = $(PY_WHEELS)/peercred-$(VERSION)-cp39-abi3-$(call wheel_platform,$(1))_$(firstword $(subst -, ,$(1)))*.whl
PY_HOST_WHEEL  = $(call wheel_of,$(HOST_TARGET))

python: zig-tools
	rm -rf $(PY_WHEELS) $(VENV)
	$(foreach t,$(TARGETS),$(WITH_ZIG) $(MATURIN) build --release --zig --target $(t) \
	  --compatibility $(call wheel_platform,$(t)) -m $(PY_DIR)/Cargo.toml -o $(PY_WHEELS)$(newline))
	$(VENV_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q $(PY_HOST_WHEEL) -r $(PY_DIR)/requirements-test.txt

# The suite with the interpreter $(1), in the environment $(2); $(3) is the
# extension of that interpreter's target built with the core's fault injection.
define python_suite
	cd $(BUILD)/python && $(2) PEERCRED_FAULT_BUILD=$(3) $(1) -m pytest -q -p no:cacheprovider $(PY_DIR)/tests
endef

test-python: python $(AS_OLD_KERNEL)
	@echo "== the wheel imports with no Rust toolchain on PATH"
	cd / && env -i PATH=/usr/bin:/bin $(VENV)/bin/python -c 'import peercred; print("peercred", peercred.__version__)'
	@echo "== the extension built with the core's fault injection, for the panic test"
	$(CARGO) build -p peercred-python --features fault-injection
	$(call python_suite,$(VENV)/bin/python,,$(ROOT)/target/debug/lib_peercred.so)
	@echo "== the process table as on kernels without SO_PEERPIDFD, then without pidfd_open"
	cd $(BUILD)/python && $(AS_OLD_KERNEL) $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  $(PY_DIR)/tests/test_process_table.py
	cd $(BUILD)/python && $(AS_OLD_KERNEL) --no-pidfd-open $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  $(PY_DIR)/tests/test_process_table.py

# The venv of the arm64 CPython with the aarch64 wheel. The host's pip
# installs it and the test requirements' aarch64 wheels: pip itself under qemu
# would take a minute.
python-arm64: python $(ARM64_PYTHON)
	rm -rf $(ARM64_VENV)
	QEMU_LD_PREFIX=$(ARM64_SYSROOT) $(ARM64_PYTHON) -m venv --without-pip $(ARM64_VENV)
	$(VENV)/bin/pip install -q --target $(ARM64_VENV)/lib/python3.11/site-packages --only-binary=:all: \
	  --platform manylinux2014_aarch64 --implementation cp --python-version 3.11 \
	  $(call wheel_of,aarch64-unknown-linux-gnu) -r $(PY_DIR)/requirements-test.txt

# How everything arm64 runs: the sysroot serves the arm64 CPython's libraries.
ARM64_RUN = QEMU_LD_PREFIX=$(ARM64_SYSROOT) $(UNDER_QEMU)
test-python-arm64: python-arm64
	@# An extension module takes its Python symbols from the interpreter: no libpython to link.
	PYO3_BUILD_EXTENSION_MODULE=1 $(WITH_ZIG) $(CARGO) zigbuild -p peercred-python --features fault-injection \
	  --target $(call zig_target,aarch64-unknown-linux-gnu)
	@echo "== pytest against the installed aarch64 wheel, arm64 CPython under $(QEMU)"
	$(call python_suite,$(ARM64_VENV)/bin/python,$(ARM64_RUN),$(ROOT)/target/aarch64-unknown-linux-gnu/debug/lib_peercred.so)

dist-python: python
	rm -rf $(DIST)/python && mkdir -p $(DIST)/python
	cp $(foreach t,$(TARGETS),$(call wheel_of,$(t))) $(DIST)/python/
	$(MATURIN) sdist -m $(PY_DIR)/Cargo.toml -o $(DIST)/python
