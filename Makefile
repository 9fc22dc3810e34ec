# Two commands do all the set-up on a fresh machine (Python 3.10+ and Java 17 are the only prerequisites):
#   make demo   seed a sample lake, run the job end to end, print what was kept and excluded
#   make test   run the test suite
#   make dist   build the wheel for spark-submit (docs/cluster.md)
# Maven builds postcurate's JVM functions (jvm/) on first use; Spark, pip and Maven fetch what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
JAR := jvm/target/postcurate-jvm-0.1.0.jar
MVN ?= mvn

.PHONY: demo test install jvm dist clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed $(JAR)

# The keyed pseudonym function runs in Spark's JVM: the key must stay out of query plans (docs/decisions.md).
$(JAR): jvm/pom.xml $(shell find jvm/src -name '*.java' 2>/dev/null)
	$(MVN) -q -B -Dstyle.color=never -f jvm/pom.xml package
	touch $@

jvm: $(JAR)

demo: $(BIN)/.installed $(JAR)
	$(BIN)/postcurate demo

test: $(BIN)/.installed $(JAR)
	$(BIN)/pytest -q --durations=10

# The wheel (with schemas/ and the default conf/ inside) and its --py-files copy, for spark-submit: docs/cluster.md
dist: $(BIN)/.installed $(JAR)
	PYTHON=$(BIN)/python deploy/build-dist dist

clean:
	rm -rf var/ .pytest_cache dist/ build/ jvm/target/
