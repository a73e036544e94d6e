# hipform: the two commands a newcomer needs.
#   make run   install into .venv and analyse a bundled sample clip
#   make test  install with test dependencies and run the whole test suite (what CI runs)
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := sample_videos/walk_side_sports2d.mp4

.PHONY: run test install install-test lint bench benchmarks clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

run: install
	$(BIN)/hipform analyze $(SAMPLE) --exercise walking --out sample_output/walk_side_sports2d

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .

benchmarks: install-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf sample_output .pytest_cache .ruff_cache

# Regenerate the rendered validation set (own venv .venv-bench with torch==2.13.0, anny, moderngl)
# and the validation table in docs/validation.md.
bench: install-test
	bash bench/make_bench.sh
	$(BIN)/python benchmarks/validate.py --data tests/data/rendered --data benchmarks/out/rendered --model full lite heavy
