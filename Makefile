# make demo | make test | make bench — each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-quick lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdesk demo

# The suite on every core (at most 4 test processes); one file or test: .venv/bin/python -m pytest PATH
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist worksteal

# Benchmarks (figures into BENCHMARKS.md, with the commands that produced them):
# extraction quality and CPU, then crawl throughput, storage, search and memory (about 15 min).
# bench-quick: a smaller run of the latter, about 2 min, prints only.
bench: $(STAMP)
	$(BIN)/python bench/declared_cpu.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python -m bench --write $(BENCH_ARGS)
	$(BIN)/python -m bench.realpages -s NEWSDESK_EXTRACT_WORKERS=0
	$(BIN)/python -m bench.realpages
	$(BIN)/python bench/startup.py

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crawler pipelines store tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
