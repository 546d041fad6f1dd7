# Two commands on a fresh machine: `make demo` (the main job, embedded service) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# torch's OpenMP threads must sleep when idle, or they starve the BLAS threads of scipy/sklearn
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: install demo test test-core test-service test-deploy bench clean openapi

install: $(VENV)/.installed

# torch 2.14.1 / torchvision 0.29.1 install from the machine's local wheels (see pyproject.toml)
# the client package (clients/python) installs beside the server, which depends on it
$(VENV)/.installed: pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ./clients/python -e '.[dev]'
	touch $@

# MNIST=../shared/data/mnist.npz make demo  trains on an MNIST subset instead of sklearn's digits
demo: install
	$(PY) -m scripts.demo $(if $(MNIST),--mnist $(MNIST))

test: install
	$(PY) -m pytest -q --durations=15

test-core: install
	$(PY) -m pytest -q tests/core

test-service: install
	$(PY) -m pytest -q tests/service

# docker-compose.yml and the Dockerfile built and run for real with podman (root; see deploy/test/run.sh)
test-deploy: install
	PY=$(PY) deploy/test/run.sh

bench: install
	$(PY) bench/probes.py --quick

# the API contract: docs/openapi.json from the app, and the Python client generated from it
openapi: install
	$(PY) -m service.write_openapi docs/openapi.json
	rm -rf clients/python/latentgen_client
	$(VENV)/bin/openapi-python-client generate --path docs/openapi.json --config clients/python/config.yaml \
		--meta none --output-path clients/python/latentgen_client

clean:
	rm -rf var/demo
