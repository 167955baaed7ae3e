# `make release-check` (part of make test): what `make dist` builds, checked
# the way each registry would before anything is published, plus the API/ABI
# check. `make release-check RELEASE=1` is the last step before publishing:
# it also refuses placeholder URLs and an undated CHANGELOG section.
.PHONY: release-check test-release-checks

RELEASE_VENV  := $(BUILD)/release/venv
RELEASE_TOOLS := $(RELEASE_VENV)/.installed
RELEASE_PY    := $(RELEASE_VENV)/bin/python
RELEASE_DIR   := $(ROOT)/tests/release

$(RELEASE_TOOLS): $(RELEASE_DIR)/requirements.txt
	rm -rf $(RELEASE_VENV)
	$(PYTHON) -m venv $(RELEASE_VENV)
	$(RELEASE_VENV)/bin/pip install -q -r $<
	touch $@

release-check: dist $(RELEASE_TOOLS) api-check
	$(RELEASE_PY) $(RELEASE_DIR)/check_sources.py
	CARGO=$(CARGO) $(RELEASE_PY) $(RELEASE_DIR)/check_crates.py
	TWINE=$(RELEASE_VENV)/bin/twine $(RELEASE_PY) $(RELEASE_DIR)/check_python.py $(DIST)/python
	$(RELEASE_PY) $(RELEASE_DIR)/check_npm.py $(DIST)/node
	$(RELEASE_PY) $(RELEASE_DIR)/check_c.py $(DIST)/c

# Each check fails on a missing license, a stray file and a wrong version:
# shown on doctored copies of the artifacts release-check passed.
test-release-checks: release-check
	CARGO=$(CARGO) TWINE=$(RELEASE_VENV)/bin/twine $(RELEASE_PY) $(RELEASE_DIR)/test_checks.py
