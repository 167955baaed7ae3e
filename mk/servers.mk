# The servers people use, run for real on Unix sockets with clients under
# another uid: tests/servers/python (uvicorn, hypercorn, gunicorn, FastAPI,
# Starlette, WSGI) and tests/servers/node (node:http, http2, express, fastify,
# koa, hono, grpc-js). Each folder pins its own dependencies, installed here
# under build/servers, so that the packages' own manifests stay untouched.
.PHONY: test-servers test-servers-python test-servers-node

SERVERS_DIR      := $(ROOT)/tests/servers
SERVERS_VENV     := $(BUILD)/servers/python/venv
SERVERS_PY_STAMP := $(SERVERS_VENV)/.installed
SERVERS_NODE     := $(BUILD)/servers/node
SERVERS_NODE_MODULES := $(SERVERS_NODE)/node_modules/.package-lock.json

test-servers: test-servers-python test-servers-node

# A venv on the system interpreter (VENV_PYTHON): the clients run as nobody.
$(SERVERS_PY_STAMP): $(SERVERS_DIR)/python/requirements.txt
	rm -rf $(SERVERS_VENV)
	$(VENV_PYTHON) -m venv $(SERVERS_VENV)
	$(SERVERS_VENV)/bin/pip install -q -r $<
	touch $@

test-servers-python: python $(SERVERS_PY_STAMP)
	$(SERVERS_VENV)/bin/pip install -q --no-deps --force-reinstall $(PY_HOST_WHEEL)
	@echo "== Python servers: uvicorn, hypercorn, gunicorn; FastAPI, Starlette, WSGI"
	cd $(SERVERS_DIR)/python && PYTHONDONTWRITEBYTECODE=1 $(SERVERS_VENV)/bin/python -m pytest -q -p no:cacheprovider .

# The locked versions with `npm install --no-save` (see node.mk for why not npm ci).
$(SERVERS_NODE_MODULES): $(SERVERS_DIR)/node/package.json $(SERVERS_DIR)/node/package-lock.json
	rm -rf $(SERVERS_NODE) && mkdir -p $(SERVERS_NODE)
	cp $^ $(SERVERS_NODE)/
	cd $(SERVERS_NODE) && npm install --no-save --ignore-scripts $(NPM_QUIET)

test-servers-node: node $(SERVERS_NODE_MODULES)
	rm -rf $(SERVERS_NODE)/node_modules/@peercred && mkdir -p $(SERVERS_NODE)/node_modules/@peercred
	cp -r $(NODE_SCRATCH)/node_modules/@peercred/node $(SERVERS_NODE)/node_modules/@peercred/
	@echo "== Node servers: node:http, http2, express, fastify, koa, hono, grpc-js"
	NODE_PATH=$(SERVERS_NODE)/node_modules node --test $(SERVERS_DIR)/node/*.test.js
