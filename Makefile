# The project's few commands; CI (.ci/run) runs exactly these.
PY ?= .venv/bin/python

.PHONY: install test lint serve bench sample fuzz

install:
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q -r requirements-dev.txt

test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint:
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

serve: install
	$(PY) -m streamlit run dashboard.py --server.headless true --server.port 8501

# tens of thousands of messy workbooks; a failure is kept in tests/fuzz_regressions/ (replayed by make test)
fuzz: install
	ITA_FUZZ_PROFILE=fuzz ITA_FUZZ_KEEP=1 $(PY) -m pytest tests/test_fuzz.py

bench: install
	$(PY) bench/bench_validate.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_store.py
	$(PY) bench/bench_links.py
	$(PY) bench/bench_tenancy.py
	$(PY) bench/bench_handouts.py
	$(PY) bench/bench_rollup.py

sample: install
	$(PY) scripts/make_sample_data.py --out data/sample
