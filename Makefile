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

include mk/rust.mk
include mk/c.mk
include mk/oldkernel.mk
include mk/cli.mk
include mk/python.mk
include mk/node.mk
include mk/fuzz.mk
include mk/servers.mk
include mk/bench.mk
include mk/api.mk
include mk/release.mk

.PHONY: demo test test-demo test-examples dist clean

demo: demo-prereqs
	$(PYTHON) tests/demo.py
	$(PYTHON) tests/loggers.py

test: test-rust test-cli test-c test-python test-node test-servers test-demo test-examples test-release
	@echo "make test: all suites passed"

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

dist: dist-c dist-python dist-node

clean:
	rm -rf $(BUILD) $(DIST)
	$(CARGO) clean

# Everything the demo matrix starts: each language's example server and client.
.PHONY: demo-prereqs
demo-prereqs: rust-examples c python node
