# Two entry points, both self-contained on a fresh clone:
#   make train   - set up .venv and train the default digit recogniser
#   make test    - set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Datasets beside the checkout (../shared/datasets, as CI has them) are found without setting
# NEURONET_DATA by hand; a NEURONET_DATA already set wins.
ifneq ($(wildcard ../shared/datasets),)
export NEURONET_DATA ?= $(abspath ../shared/datasets)
endif

.PHONY: train test lab bench lint notebooks clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,test]'
	touch $@

train: $(VENV)/.installed
	$(VENV)/bin/neuronet train

test: $(VENV)/.installed
	$(PY) -m pytest -q

# The browser lab on http://127.0.0.1:8000/ (uses models/mnist.npz from make train when there is one).
lab: $(VENV)/.installed
	$(VENV)/bin/neuronet lab

# PyTorch is installed only for the side-by-side benchmark, never as a dependency.
bench: $(VENV)/.installed
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) benchmarks/speed.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# The .ipynb beside each jupytext script in examples/notebooks/, made again from the script (outputs kept).
notebooks: $(VENV)/.installed
	for f in examples/notebooks/[0-9][0-9]_*.py; do $(VENV)/bin/jupytext --quiet --update --to notebook "$$f"; done

clean:
	rm -rf $(VENV) build *.egg-info
