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
include mk/rust.mk
include mk/c.mk
include mk/python.mk
include mk/node.mk
include mk/fuzz.mk
include mk/bench.mk

.PHONY: demo test dist clean

demo: demo-prereqs
	$(PYTHON) tests/demo.py

test: test-rust test-c test-python test-node test-demo
	@echo "make test: all suites passed"

test-demo: demo-prereqs
	$(PYTHON) tests/demo.py --quiet

dist: dist-c dist-python dist-node

clean:
	rm -rf $(BUILD) $(DIST)
	$(CARGO) clean

# Everything the demo matrix starts: each language's example server and client.
.PHONY: demo-prereqs
demo-prereqs: rust-examples c python node
