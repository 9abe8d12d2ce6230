# The course's two commands: `make course` runs every notebook, `make test` runs all the tests.
# Both set up what they need first (idempotent `make setup`).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.setup-done
PROFILE ?= auto
PYTEST_ARGS ?=

.PHONY: setup course test unit notebooks bench offline-models constraints clean help
help:
	@echo "make course   run every notebook in order into outputs/ (PROFILE=auto|gpu|smoke)"
	@echo "make test     unit tests, papermill smoke runs of every notebook, nbval"
	@echo "make setup    create $(VENV) and install everything (done by the two above)"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@# CPU torch from the local wheel unless a torch (e.g. a CUDA build) is already there.
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -r requirements.txt -r requirements-dev.txt
	$(PIP) install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (llm-course)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# The tiny Phi base that offline notebooks fine-tune; cached outside git (see helpers/models.py).
offline-models: setup
	$(PY) -m helpers.models

course: setup
	$(PY) scripts/run_course.py --profile $(PROFILE)

test: setup offline-models
	$(PY) -m pytest tests notebooks --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-p no:cacheprovider $(PYTEST_ARGS)

unit: setup
	$(PY) -m pytest tests -m "not notebook" $(PYTEST_ARGS)

# Re-execute the committed notebooks with the smoke profile and clean their metadata.
notebooks: setup offline-models
	$(PY) scripts/run_course.py --profile smoke --in-place

bench: setup offline-models
	$(PY) -m benchmarks.bench $(BENCH_ARGS)

constraints: setup
	$(PIP) freeze --exclude-editable | grep -v '^torch==' > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf outputs .pytest_cache
