# Self-bootstrapping targets: each creates/refreshes .venv from pyproject.toml first.
# Needs only python3 (>= 3.10) and pip on the machine.

PYTHON ?= python3
VENV   ?= .venv
STACK  ?= dev-onprem
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan plan-json test lint bench docs clean venv fuzz

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --no-compile: the cloud SDKs are ~900 MB of generated code; byte-compiling it all costs
	# a minute and only the modules a stack imports are ever loaded.
	$(BIN)/python -m pip install --quiet --no-compile -e '.[dev]'
	touch $(STAMP)

plan: $(STAMP)  ## Offline plan of STACK (default dev-onprem): no cloud account needed
	$(BIN)/llmops plan --stack $(STACK)

plan-json: $(STAMP)
	$(BIN)/llmops plan --stack $(STACK) --json

test: $(STAMP)  ## The whole test suite (what CI runs)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check components stacks tests benchmarks examples e2e
	$(BIN)/ruff format --check components stacks tests benchmarks e2e

bench: $(STAMP)  ## Plan-time, sizing and placement measurements -> benchmarks/README.md figures
	$(BIN)/python benchmarks/plan_time.py
	$(BIN)/python benchmarks/model_sizing.py
	$(BIN)/python benchmarks/placement_scaling.py

docs: $(STAMP)  ## Regenerate the generated docs: config reference, examples table
	$(BIN)/python -m pulumi_llmops.config.reference > docs/config-reference.md
	$(BIN)/python tests/examples/readme_table.py
	$(BIN)/python -m pulumi_llmops.apidoc > docs/api.md

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info components/*.egg-info

fuzz: $(STAMP)  ## Mutation fuzzer: 10,000 mutated stack configs, 0 tracebacks, exit codes 0/1/2
	$(BIN)/python tests/fuzz/fuzz_stacks.py --cases $${FUZZ_CASES:-10000} --seed $${FUZZ_SEED:-1}

# --- real-engine tier (e2e/, see e2e/README.md) -------------------------------------------------
# `engine` needs Go >= 1.26.6 and the Go module proxy: builds the Pulumi CLI, the Kubernetes
# provider and a local control plane from the pinned modules in e2e/engine/ (cached by go.sum
# hash; a second run builds nothing) and the tier's own virtualenv from e2e/requirements.txt.
# `e2e` builds or reuses it, then runs the whole tier: the smoke tests and both shipped on-prem
# stacks deployed for real (e2e/platform). Without Go it says what to install and the tests
# skip with that reason (they fail instead under CI=true).
.PHONY: engine e2e e2e-smoke

E2E_TESTS ?= e2e/platform e2e/smoke/test_harness.py

engine:  ## Real-engine binaries + the tier's venv (cold: ~30 min on 2 cores; warm: seconds)
	$(PYTHON) e2e/engine/build.py --venv

e2e: $(STAMP)  ## The real-engine tier: engine (built or reused), then pulumi up/preview/destroy for real
	@$(PYTHON) e2e/engine/build.py --venv; rc=$$?; \
	if [ $$rc -eq 2 ]; then echo "make e2e: no engine (see above); the tier's tests skip with that reason, or fail under CI=true" >&2; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	py="$$($(PYTHON) e2e/engine/build.py --print-python)"; [ -x "$$py" ] || py="$(BIN)/python"; \
	LLMOPS_LIBRARY_PYTHON="$(CURDIR)/$(BIN)/python" "$$py" -m pytest -c e2e/pytest.ini $(E2E_TESTS) -v

e2e-smoke: engine  ## Real pulumi up/preview/policy/destroy against a local control plane
	"$$($(PYTHON) e2e/engine/build.py --print-python)" -m pytest -c e2e/pytest.ini e2e/smoke -v -s
