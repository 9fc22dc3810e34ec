# Two commands do all the set-up on a fresh machine (Python 3.10+ and Java 17 are the only prerequisites):
#   make demo   seed a sample lake, run the job end to end, print what was kept and excluded
#   make test   run the test suite
#   make check  lint (ruff) and type-check (mypy); CI runs it before the tests
#   make dist   build the wheel for spark-submit (docs/cluster.md)
# Maven builds postcurate's JVM functions (jvm/) on first use; Spark, pip and Maven fetch what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
JAR := jvm/target/postcurate-jvm-0.1.0.jar
MVN ?= mvn

.PHONY: demo test check install jvm dist clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed $(JAR)

# The keyed pseudonym function, the PII scanner, the gate's residual check and rule 10 run in Spark's JVM (the key
# must stay out of query plans: docs/decisions.md). The jar is built without running the JVM tests, so a first
# `make demo` does not wait for them; `make test` runs them.
$(JAR): jvm/pom.xml $(shell find jvm/src -name '*.java' 2>/dev/null)
	$(MVN) -q -B -Dstyle.color=never -f jvm/pom.xml -DskipTests package
	touch $@

jvm: $(JAR)

demo: $(BIN)/.installed $(JAR)
	$(BIN)/postcurate demo

test: $(BIN)/.installed $(JAR)
	$(MVN) -q -B -Dstyle.color=never -f jvm/pom.xml test
	$(BIN)/pytest -q --durations=10

# Settings in pyproject.toml ([tool.ruff], [tool.mypy]); both tools are pinned in the dev extras.
check: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# The wheel (with schemas/ and the default conf/ inside) and its --py-files copy, for spark-submit: docs/cluster.md
dist: $(BIN)/.installed $(JAR)
	PYTHON=$(BIN)/python deploy/build-dist dist

clean:
	rm -rf var/ .pytest_cache dist/ build/ jvm/target/
