# `make bench` (never part of make test): release builds, a peer in another
# process, alternating rounds; one table with ratios measured in this run.
.PHONY: bench

BENCH         := $(BUILD)/bench
BENCH_RESULTS := $(BENCH)/results.jsonl
BENCH_MODULES := $(BENCH)/modules/node_modules

bench: bench-c $(AS_OLD_KERNEL) python node $(SERVERS_PY_STAMP) $(SERVERS_NODE_MODULES)
	$(CARGO) build --release -p peercred-examples --bin bench-read
	rm -rf $(BENCH) && mkdir -p $(BENCH)/modules
	@echo "== installing peercred@1.1.2 from npm (built by node-gyp) for comparison"
	echo '{"private": true}' > $(BENCH)/modules/package.json
	cd $(BENCH)/modules && npm install --no-audit --no-fund --loglevel=error peercred@1.1.2 >/dev/null
	cp -r $(NODE_SCRATCH)/node_modules/@peercred $(BENCH_MODULES)/
	@echo "== C";      $(BUILD)/c/bench | tee -a $(BENCH_RESULTS)
	@echo "== C, PeerProcess through the sock_diag fallback (as on Linux 5.3 to 6.4)"
	$(AS_OLD_KERNEL) $(BUILD)/c/bench --fallback | tee -a $(BENCH_RESULTS)
	@echo "== C, per-message credentials"; $(BUILD)/c/bench-messages | tee -a $(BENCH_RESULTS)
	@echo "== C, where the caller lives"; $(BUILD)/c/bench-where | tee -a $(BENCH_RESULTS)
	@echo "== Rust";   $(ROOT)/target/release/bench-read | tee -a $(BENCH_RESULTS)
	@echo "== Python"; cd $(BENCH) && $(VENV)/bin/python $(ROOT)/bench/python/bench.py | tee -a $(BENCH_RESULTS)
	@echo "== Python, per-message credentials"; cd $(BENCH) && $(VENV)/bin/python $(ROOT)/bench/python/messages.py | tee -a $(BENCH_RESULTS)
	@echo "== Node";   BENCH_MODULES=$(BENCH_MODULES) node $(ROOT)/bench/node/bench.js | tee -a $(BENCH_RESULTS)
	@echo "== Node, per-message credentials"; BENCH_MODULES=$(BENCH_MODULES) node $(ROOT)/bench/node/messages.js | tee -a $(BENCH_RESULTS)
	@echo "== loading the Node package"; BENCH_MODULES=$(BENCH_MODULES) node $(ROOT)/bench/node/load.js | tee -a $(BENCH_RESULTS)
	@echo "== the shell approach"; BENCH_MODULES=$(BENCH_MODULES) node $(ROOT)/bench/node/ss.js | tee -a $(BENCH_RESULTS)
	@echo "== servers"
	BENCH_MODULES=$(BENCH_MODULES) node $(ROOT)/bench/node/server_throughput.js | tee -a $(BENCH_RESULTS)
	cd $(BENCH) && $(VENV)/bin/python $(ROOT)/bench/python/server_throughput.py | tee -a $(BENCH_RESULTS)
	@echo "== frameworks: fastify, uvicorn + starlette (the servers suite's pinned installs)"
	BENCH_MODULES=$(BENCH_MODULES) SERVERS_MODULES=$(SERVERS_NODE)/node_modules \
	  node $(ROOT)/bench/node/framework_throughput.js | tee -a $(BENCH_RESULTS)
	$(SERVERS_VENV)/bin/pip install -q --no-deps --force-reinstall $(PY_HOST_WHEEL)
	$(SERVERS_VENV)/bin/python $(ROOT)/bench/python/framework_throughput.py | tee -a $(BENCH_RESULTS)
	@echo
	$(VENV)/bin/python $(ROOT)/bench/report.py $(BENCH_RESULTS) | tee $(BENCH)/report.txt
