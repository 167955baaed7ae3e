# The Python package: build the wheel with maturin, install it into a fresh
# venv (.venv: the demo and the tests use the installed wheel, never the
# source tree), test, and ship a manylinux2014 wheel plus an sdist.
.PHONY: python test-python dist-python bench-python

PY_DIR    := $(ROOT)/bindings/python
PY_TOOLS  := $(BUILD)/python/tools
PY_WHEELS := $(BUILD)/python/wheels
VENV      := $(ROOT)/.venv
MATURIN   := $(PY_TOOLS)/bin/maturin
# The venv's interpreter must be executable by the other users that the demo
# and the tests run clients as; pyenv's lives under /root (mode 700).
VENV_PYTHON ?= $(firstword $(wildcard /usr/bin/python3) $(PYTHON))

$(MATURIN): $(PY_DIR)/requirements-build.txt
	rm -rf $(PY_TOOLS)
	$(PYTHON) -m venv $(PY_TOOLS)
	$(PY_TOOLS)/bin/pip install -q -r $<

python: $(MATURIN)
	rm -rf $(PY_WHEELS) $(VENV)
	$(MATURIN) build --release -m $(PY_DIR)/Cargo.toml -o $(PY_WHEELS)
	$(VENV_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q $(PY_WHEELS)/peercred-$(VERSION)-*.whl -r $(PY_DIR)/requirements-test.txt

test-python: python $(AS_OLD_KERNEL)
	@echo "== the wheel imports with no Rust toolchain on PATH"
	cd / && env -i PATH=/usr/bin:/bin $(VENV)/bin/python -c 'import peercred; print("peercred", peercred.__version__)'
	@echo "== the extension built with the core's fault injection, for the panic test"
	$(CARGO) build -p peercred-python --features fault-injection
	cd $(BUILD)/python && PEERCRED_FAULT_BUILD=$(ROOT)/target/debug/lib_peercred.so \
	  $(VENV)/bin/python -m pytest -q -p no:cacheprovider $(PY_DIR)/tests
	@echo "== the process table as on kernels without SO_PEERPIDFD, then without pidfd_open"
	cd $(BUILD)/python && $(AS_OLD_KERNEL) $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  $(PY_DIR)/tests/test_process_table.py
	cd $(BUILD)/python && $(AS_OLD_KERNEL) --no-pidfd-open $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  $(PY_DIR)/tests/test_process_table.py

# --zig links against an old glibc, so the wheel is tagged manylinux2014 (glibc 2.17).
dist-python: $(MATURIN)
	$(PY_TOOLS)/bin/pip install -q ziglang==0.15.1
	rm -rf $(DIST)/python
	PATH=$(PY_TOOLS)/bin:$$PATH $(MATURIN) build --release --zig --compatibility manylinux2014 \
	  -m $(PY_DIR)/Cargo.toml -o $(DIST)/python
	$(MATURIN) sdist -m $(PY_DIR)/Cargo.toml -o $(DIST)/python
