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
	@echo "== The Alaska summit as it was (low trust, no verification), both formats =="
	$(BIN)/negotiation-sim solve scenarios/alaska_2025_reduced.toml
	@echo
	@echo "== The same with trust 0.8 and verification 0.8: deals become equilibria =="
	$(BIN)/negotiation-sim solve scenarios/alaska_2025_reduced.toml --set trust=0.8 --set verification=0.8
	@echo
	@echo "== The trust x verification landscape (experiments/trust_verification.toml) =="
	$(BIN)/negotiation-sim sweep experiments/trust_verification.toml -o results/trust_verification --overwrite
	$(BIN)/negotiation-sim plot results/trust_verification -o results/trust_verification/landscape.png
	@echo "The landscape picture is at results/trust_verification/landscape.png"
	@echo
	@echo "== How sure are we? P(deal) with every other parameter drawn from its prior =="
	$(BIN)/negotiation-sim sweep experiments/alaska_uncertainty.toml -o results/alaska_uncertainty --overwrite
	$(BIN)/negotiation-sim plot results/alaska_uncertainty -o results/alaska_uncertainty/p_deal.png
	@echo
	@echo "== What decides whether a deal exists: Sobol' indices, one at a time, PRIM (N = 1024) =="
	$(BIN)/negotiation-sim sensitivity experiments/alaska_uncertainty.toml --samples 1024 --bootstrap 500 --plots results/alaska_uncertainty_sensitivity --map results/alaska_uncertainty
	@echo "Pictures: results/alaska_uncertainty/p_deal.png and results/alaska_uncertainty_sensitivity/{sobol,tornado,prim,p_deal_prim}.png"
	@echo
	@echo "== Trust earned by a costly signal: Russia accepts intrusive verification or not (Kydd 2005, ch. 7) =="
	$(BIN)/negotiation-sim solve scenarios/verification_signal.toml
	@echo
	@echo "== A ceasefire over 24 rounds: how long it holds as trust and verification vary, at once or in 4 phases =="
	$(BIN)/negotiation-sim sweep experiments/ceasefire_dynamics.toml -o results/ceasefire_dynamics --overwrite
	$(BIN)/negotiation-sim plot results/ceasefire_dynamics -o results/ceasefire_dynamics/duration.png
	$(BIN)/negotiation-sim plot results/ceasefire_dynamics --metric survival --by phases --select trust=0.5 --select verification=0.03 -o results/ceasefire_dynamics/survival.png
	$(BIN)/negotiation-sim plot results/ceasefire_dynamics --metric posterior_trust --side russia --select trust=0.5 --select verification=0.03 --select phases=1 -o results/ceasefire_dynamics/trust.png

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
