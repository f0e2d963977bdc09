# `make demo` runs the main job, `make test` the tests; both build .venv from nothing when missing.
# The demo installs only what it runs (the runtime dependencies: seconds); the tests add the test
# and lint tooling, including pygambit, the tests' exact oracle, which compiles from source.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --compile-bytecode
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(UV) -e .
	touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(UV) -e '.[dev]'
	touch $@ $(RUNTIME)

demo: $(RUNTIME)
	@echo "== The Alaska summit, second edition: solved with third-party monitors at the summit's trust =="
	$(BIN)/negotiation-sim solve scenarios/alaska_2025.toml --format monitors
	@echo
	@echo "== Which outcomes are equilibria over trust in Russia x monitoring (experiments/alaska_landscape.toml) =="
	$(BIN)/negotiation-sim sweep experiments/alaska_landscape.toml -o results/alaska_landscape --overwrite --no-progress
	$(BIN)/negotiation-sim plot results/alaska_landscape -o results/alaska_landscape/landscape.png
	@echo
	@echo "== How sure are we? P(deal) with every other number drawn from its prior (experiments/alaska_p_deal.toml) =="
	$(BIN)/negotiation-sim sweep experiments/alaska_p_deal.toml -o results/alaska_p_deal --overwrite --no-progress
	$(BIN)/negotiation-sim plot results/alaska_p_deal -o results/alaska_p_deal/p_deal.png
	@echo
	@echo "== Which mechanism opens a deal: regime x linkage x guarantees (experiments/alaska_mechanisms.toml) =="
	$(BIN)/negotiation-sim sweep experiments/alaska_mechanisms.toml -o results/alaska_mechanisms --overwrite --no-progress
	$(BIN)/negotiation-sim plot results/alaska_mechanisms --intervals -o results/alaska_mechanisms/mechanisms.png
	@echo
	@echo "== What decides whether a deal exists under monitors: Sobol' indices, one at a time, PRIM (N = 256) =="
	$(BIN)/negotiation-sim sensitivity experiments/alaska_p_deal.toml --format monitors --samples 256 --bootstrap 500 -o results/alaska_sensitivity_run --plots results/alaska_sensitivity --overwrite --no-progress
	@echo
	@echo "== A signed ceasefire over 24 rounds per regime, phasing, linkage and guarantees (experiments/alaska_ceasefire.toml) =="
	$(BIN)/negotiation-sim sweep experiments/alaska_ceasefire.toml -o results/alaska_ceasefire --overwrite --no-progress
	$(BIN)/negotiation-sim plot results/alaska_ceasefire --metric survival --by verification --select trust=0.25 --select phases=1 --select sanction=0.4 --select guarantee=0 -o results/alaska_ceasefire/survival.png
	@echo
	@echo "== Findings =="
	$(BIN)/python experiments/alaska_findings.py results
	@echo
	@echo "Pictures: results/alaska_landscape/landscape.png, results/alaska_p_deal/p_deal.png, results/alaska_mechanisms/mechanisms.png, results/alaska_sensitivity/{sobol,tornado,prim}.png, results/alaska_ceasefire/survival.png"

lint: $(DEV)
	$(BIN)/ruff check negotiation_sim tests benchmarks experiments
	$(BIN)/ruff format --check negotiation_sim tests benchmarks experiments
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# `make bench QUICK=1` runs the uncertainty and Bayes-Nash benchmarks at their quick sizes (about 45 s instead of 3.5 min).
bench: $(DEV)
	$(UV) -e '.[bench]'
	$(BIN)/python benchmarks/solvers.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/uncertainty.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/bayesian.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/dynamics.py $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/qre.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
