# peercred: one Rust core, a C library, a Python and a Node package.
# `make demo` shows it at work; `make test` checks everything (CI runs exactly that).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := demo
.DELETE_ON_ERROR:

ROOT     := $(abspath .)
BUILD    := $(ROOT)/build
DIST     := $(ROOT)/dist
CARGO    ?= cargo
PYTHON   ?= python3
VERSION  := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)

include mk/targets.mk
# Before the suites: their rules name $(AS_OLD_KERNEL) as a prerequisite.
include mk/oldkernel.mk
include mk/rust.mk
include mk/c.mk
include mk/cli.mk
include mk/cli-static.mk
include mk/python.mk
include mk/node.mk
include mk/fuzz.mk
include mk/servers.mk
include mk/bench.mk
include mk/api.mk
include mk/release.mk

.PHONY: demo test test-suites test-demo test-examples dist clean test-arm64 test-musl test-binaries test-demo-arm64

demo: demo-prereqs
	$(PYTHON) tests/demo.py
	$(PYTHON) tests/loggers.py

# The suites run clients as other users, who must reach this checkout: see
# tests/reachable-by-others.sh (a checkout below a private directory).
test:
	$(ROOT)/tests/reachable-by-others.sh $(ROOT) -- $(MAKE) --no-print-directory test-suites

test-suites: test-rust test-cli test-c test-python test-node test-servers test-demo test-examples test-arm64 test-musl test-release
	@echo "make test: all suites passed"

# aarch64 under qemu-user: the C suite, the Python suite against the installed
# wheel on a real arm64 CPython, the Node suite against the installed tarball
# on a real arm64 node, the demo across C, Python and Node.
test-arm64: test-c-arm64 test-python-arm64 test-node-arm64 test-demo-arm64
# musl: the Rust tests, the C suite built with musl-gcc; and every shipped
# binary checked as its loader sees it, the static commands run.
test-musl: test-rust-musl test-c-musl test-binaries test-cli-static

test-binaries: node python c-targets cli-static | cross-system
	@echo "== every shipped binary: machine, libc, symbol versions, what musl's loader resolves"
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider $(ROOT)/tests/platforms/test_binaries.py

# Publishable and stable: the registries' checks, the API/ABI baselines, and
# the proof that both catch what they are meant to.
.PHONY: test-release
test-release: release-check test-release-checks test-api-breaks

test-demo: demo-prereqs
	$(PYTHON) tests/demo.py --quiet
	$(PYTHON) tests/loggers.py

# The example daemons against the attacks on program identity (as another uid).
test-examples: demo-prereqs
	$(PYTHON) tests/example_attacks.py

# The demo's servers and clients on arm64 under qemu: C, Python and Node.
test-demo-arm64: c-arm64 python-arm64 node $(ARM64_NODE)
	$(ARM64_RUN) $(PYTHON) tests/demo.py --quiet --languages c,python,node \
	  --c-dir $(BUILD)/c/arm64 --python $(ARM64_VENV)/bin/python --node $(ARM64_NODE)

dist: dist-c dist-python dist-node dist-cli

clean:
	rm -rf $(BUILD) $(DIST)
	$(CARGO) clean

# Everything the demo matrix starts: each language's example server and client.
.PHONY: demo-prereqs
demo-prereqs: rust-examples c python node
