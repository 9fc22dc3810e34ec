# Two commands do all the set-up on a fresh machine (Python 3.10+ and Java 17 are the only prerequisites):
#   make demo   seed a sample lake, run the job end to end, print what was kept and excluded
#   make test   run the test suite
#   make dist   build the wheel for spark-submit (docs/cluster.md)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install dist clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/postcurate demo

test: $(BIN)/.installed
	$(BIN)/pytest -q

# The wheel (with schemas/ and the default conf/ inside) and its --py-files copy, for spark-submit: docs/cluster.md
dist: $(BIN)/.installed
	PYTHON=$(BIN)/python deploy/build-dist dist

clean:
	rm -rf var/ .pytest_cache dist/ build/
