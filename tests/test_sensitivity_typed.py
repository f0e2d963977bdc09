"""Global sensitivity of experiments on scenarios with actor types (pure Bayes–Nash equilibria).

Oracles, never the code under test:

* the closed form of ``scenarios/typed_assurance.toml`` (its header; MODEL.md §7): an opportunist
  keeps the deal iff verification >= pi_d; below, a trustworthy side cooperates iff trust >=
  mu*(pi); so a deal is an equilibrium iff one of the two holds. The welfare-selected
  equilibrium's deal probability is 1 above pi_d (everyone cooperates), 1 - (1 - trust)^2 when
  the separating equilibrium exists and beats no deal, else 0 (ex-ante welfare by hand);
* the exact Sobol' indices of that indicator, by numeric integration on a midpoint grid (no
  sampling), and SALib's Saltelli estimator on the same closed form;
* in a format where b best-replies per type, a's closed-form choice
  (``tests/test_typed_scenarios.py``);
* for the four-actor ceasefire with types, the loop-by-loop Bayes–Nash enumeration of
  ``tests/test_measure_typed.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from negotiation_sim.cli import main
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.sensitivity.analysis import sobol
from negotiation_sim.sweep import load_experiment
from tests.test_measure_typed import oracle
from tests.test_typed_scenarios import R_O, T_O, T_T, TYPED, P, R, S, with_bystander

ROOT = Path(__file__).resolve().parents[1]
FOUR = ROOT / "benchmarks" / "data" / "typed_four.toml"
#: The priors given to typed_assurance's three parameters (the shipped file has none).
PRIORS = 'trust = "uniform(0, 1)"\nverification = "uniform(0, 1)"\nsanction = "uniform(0, 2)"\n'
NAMES = ("trust", "verification", "sanction")
SEED = 11


def experiment(tmp_path: Path, scenario: Path, extra: str = "", priors: str = PRIORS) -> Path:
    """An experiment over ``scenario`` whose parameters have priors (one trivial axis: an
    experiment needs one; the sensitivity analysis samples it from its prior)."""
    path = tmp_path / "typed_experiment.toml"
    path.write_text(
        f'format_version = 1\n[experiment]\nscenario = "{scenario}"\nseed = {SEED}\n{extra}'
        f"[axes.trust]\nvalues = [0.5]\n[priors]\n{priors}",
        encoding="utf-8",
    )
    return path


# -- closed forms of typed_assurance --------------------------------------------------------------


def deterrence(k: np.ndarray) -> np.ndarray:
    """pi_d: an opportunist keeps the deal iff verification >= pi_d (the header)."""
    return np.asarray((T_O - R_O) / (T_O - P + k), dtype=np.float64)


def mu_star(pi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """mu*(pi): the trust a trustworthy side needs while opportunists defect (the header)."""
    s_pi = pi * P + (1 - pi) * S
    t_pi = pi * (P - k) + (1 - pi) * T_T
    return np.asarray((P - s_pi) / ((R - t_pi) + (P - s_pi)), dtype=np.float64)


def deal_exists(mu: np.ndarray, pi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The closed form: opportunists deterred, or trust enough for the trustworthy alone."""
    return (pi >= deterrence(k)) | (mu >= mu_star(pi, k))


def selected_deal_probability(mu: np.ndarray, pi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """P(deal) under the equilibrium of largest ex-ante welfare, by hand.

    Above pi_d everyone cooperating (welfare 2 (mu R + (1 - mu) R_o) > 2 P) is chosen. Below,
    the separating equilibrium (trustworthy cooperate, opportunists defect) reaches a deal
    unless both are opportunists; its welfare: both trustworthy 2R; one each: the victim's
    S_pi plus the cheat's pi (P - k) + (1 - pi) T_o, twice over; both opportunists 2P.
    """
    s_pi = pi * P + (1 - pi) * S
    cheat = pi * (P - k) + (1 - pi) * T_O
    separating = mu**2 * 2 * R + 2 * mu * (1 - mu) * (s_pi + cheat) + (1 - mu) ** 2 * 2 * P
    sep_wins = (mu >= mu_star(pi, k)) & (separating > 2 * P)
    return np.where(pi >= deterrence(k), 1.0, np.where(sep_wins, 1 - (1 - mu) ** 2, 0.0))


def exact_sobol(cells: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total Sobol' indices of the deal indicator over trust ~ U(0, 1),
    verification ~ U(0, 1), sanction ~ U(0, 2): the variances of conditional means and the
    means of conditional variances, integrated on a midpoint grid (error O(1 / cells))."""
    axis = (np.arange(cells) + 0.5) / cells
    mu, pi, k = np.meshgrid(axis, axis, 2 * axis, indexing="ij", sparse=True)
    f = deal_exists(mu, pi, k).astype(np.float64)
    variance = f.var()
    first, total = [], []
    for i in range(3):
        others = tuple(j for j in range(3) if j != i)
        first.append(f.mean(axis=others).var() / variance)
        total.append(f.var(axis=i).mean() / variance)
    return np.array(first), np.array(total)


def test_the_closed_form_indices_are_what_salib_estimates_on_the_closed_form():
    # The two oracles agree with each other before either judges the package.
    pytest.importorskip("SALib", reason="SALib (test extra) not installed: skipping oracle")
    from SALib.analyze import sobol as salib_sobol  # type: ignore[import-untyped]
    from SALib.sample import sobol as salib_sample  # type: ignore[import-untyped]

    problem = {"num_vars": 3, "names": list(NAMES), "bounds": [[0, 1], [0, 1], [0, 2]]}
    x = salib_sample.sample(problem, 2**14, calc_second_order=False, seed=SEED)
    y = deal_exists(x[:, 0], x[:, 1], x[:, 2]).astype(np.float64)
    found = salib_sobol.analyze(problem, y, calc_second_order=False, seed=SEED)
    first, total = exact_sobol()
    np.testing.assert_allclose(found["S1"], first, atol=0.02)
    np.testing.assert_allclose(found["ST"], total, atol=0.02)


def test_deal_exists_and_its_probability_are_the_bayes_nash_closed_forms_at_every_draw(
    tmp_path,
):
    spec = load_experiment(experiment(tmp_path, TYPED))
    out = tmp_path / "run"
    sobol(spec, samples=128, n_bootstrap=20, out=out)
    with xr.open_dataset(out / "results.nc", engine="scipy") as ds:
        mu, pi, k = (ds[f"input_{name}"].values for name in NAMES)
        deal = ds["deal_is_equilibrium"].sel(format="all").values
        chance = ds["deal_probability"].sel(format="all").values
    # On the grid of the shipped file's test the closed form and the equilibria agree to the
    # grid cell; random draws never fall on a frontier, so they agree everywhere.
    np.testing.assert_array_equal(deal, deal_exists(mu, pi, k))
    np.testing.assert_allclose(chance, selected_deal_probability(mu, pi, k), rtol=0, atol=1e-12)
    # The draws cross both frontiers and the separating region: the check discriminates.
    below = pi < deterrence(k)
    assert (below & deal).any() and (below & ~deal).any() and (~below).any()
    assert ((chance > 0) & (chance < 1)).any()


@pytest.mark.parametrize("metric", ["deal_is_equilibrium", "deal_probability"])
def test_sobol_indices_of_a_typed_scenario_cover_the_exact_ones(tmp_path, metric):
    spec = load_experiment(experiment(tmp_path, TYPED))
    found = sobol(spec, metric=metric, samples=1024, n_bootstrap=1000, confidence=0.99)
    assert found.names == NAMES and found.dropped == 0
    if metric == "deal_is_equilibrium":
        first, total = exact_sobol()
        # The 99% bootstrap intervals (seed 11) hold the exact indices, widened by 0.01 for the
        # grid's integration error (100, 200 and 300 cells agree to 3e-4).
        for i in range(3):
            low, high = found.sobol.first_interval[i]
            assert low - 0.01 <= first[i] <= high + 0.01, (NAMES[i], first[i], low, high)
            low, high = found.sobol.total_interval[i]
            assert low - 0.01 <= total[i] <= high + 0.01, (NAMES[i], total[i], low, high)
        # verification decides most, then trust, then the sanction (through pi_d only)
        assert list(np.argsort(-found.sobol.total)) == list(np.argsort(-total)) == [1, 0, 2]
        assert found.share == pytest.approx(float(np.mean(deal_exists(*_draws(spec)))), abs=0)
    # The tornado moves each input alone from the baseline (trust 0.5, verification 0.2,
    # sanction 0.4: below pi_d = 0.46, and trust below mu* = 0.51, so no deal) to its prior's
    # 5% and 95% quantiles: the closed form says where the metric lands.
    moved = found.tornado
    assert moved is not None
    rows = np.vstack([moved.baseline_inputs, *_one_at_a_time(moved)])
    closed = deal_exists if metric == "deal_is_equilibrium" else selected_deal_probability
    expected = closed(rows[:, 0], rows[:, 1], rows[:, 2]).astype(np.float64)
    got = np.concatenate([[moved.baseline], moved.low, moved.high])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def _draws(spec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The independent rows (A and B) of the derived design, through the priors."""
    from negotiation_sim.sensitivity.analysis import sensitivity_experiment

    derived = sensitivity_experiment(spec, samples=1024)
    inputs = derived.design.inputs(seed=spec.seed)[: 2 * 1024]
    return inputs[:, 0], inputs[:, 1], inputs[:, 2]


def _one_at_a_time(moved) -> list[np.ndarray]:
    """The tornado's rows: input i at its low end, for every i, then at its high end."""
    rows = []
    for ends in (moved.low_inputs, moved.high_inputs):
        for i in range(len(moved.names)):
            row = moved.baseline_inputs.copy()
            row[i] = ends[i]
            rows.append(row)
    return rows


# -- a typed scenario with formats ---------------------------------------------------------------


def test_every_per_point_metric_of_a_typed_format_is_the_formats_own(tmp_path):
    # In "sequential" a chooses and b best-replies per type: a cooperates iff it is deterred-
    # proof (pi >= pi_d) or trust R + (1 - trust) S_pi >= P; not the simultaneous game's
    # closed form, so a metric computed on the wrong format would fail here.
    scenario = tmp_path / "sequential.toml"
    scenario.write_text(with_bystander(TYPED.read_text(encoding="utf-8")), encoding="utf-8")
    spec = load_experiment(experiment(tmp_path, scenario, 'formats = ["sequential"]\n'))
    out = tmp_path / "run"
    found = sobol(spec, samples=256, n_bootstrap=50, out=out)
    assert found.format == "sequential"

    def sequential(mu, pi, k):
        s_pi = pi * P + (1 - pi) * S
        return (pi >= deterrence(k)) | (mu * R + (1 - mu) * s_pi >= P)

    with xr.open_dataset(out / "results.nc", engine="scipy") as ds:
        mu, pi, k = (ds[f"input_{name}"].values for name in NAMES)
        deal = ds["deal_is_equilibrium"].sel(format="sequential").values
    np.testing.assert_array_equal(deal, sequential(mu, pi, k))
    assert (deal != deal_exists(mu, pi, k)).any()
    moved = found.tornado
    assert moved is not None
    rows = np.vstack([moved.baseline_inputs, *_one_at_a_time(moved)])
    got = np.concatenate([[moved.baseline], moved.low, moved.high])
    np.testing.assert_array_equal(got, sequential(rows[:, 0], rows[:, 1], rows[:, 2]))
    parse_scenario(scenario.read_text(encoding="utf-8"), source=str(scenario))  # still valid


# -- four actors, two typed; 19 uncertain inputs --------------------------------------------------


def four_actors(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    """typed_four with each constant of its [definitions] made a parameter with a prior
    uniform within 0.05 of its value: 3 + 16 uncertain inputs."""
    text = FOUR.read_text(encoding="utf-8")
    constants = re.findall(r'^(\w+) = "(-?[0-9.]+)"', text, flags=re.M)
    blocks = ""
    for name, value in constants:
        text = re.sub(rf'^{name} = "{re.escape(value)}".*\n', "", text, flags=re.M)
        x = float(value)
        blocks += (
            f"[parameters.{name}]\ndefault = {x}\nrange = [{x - 0.1:.3f}, {x + 0.1:.3f}]\n"
            'description = "a constant of typed_four, made uncertain"\n\n'
        )
    (tmp_path / "four.toml").write_text(text.replace("[definitions]", blocks + "[definitions]"))
    priors = PRIORS.replace("uniform(0, 2)", "uniform(0, 1)") + "".join(
        f'{n} = "uniform({float(v) - 0.05:.3f}, {float(v) + 0.05:.3f})"\n' for n, v in constants
    )
    return experiment(tmp_path, tmp_path / "four.toml", priors=priors), tuple(
        n for n, _ in constants
    )


def test_four_actors_and_nineteen_inputs_on_the_bayes_nash_equilibria(tmp_path):
    path, constants = four_actors(tmp_path)
    spec = load_experiment(path)
    assert len(constants) == 16
    out = tmp_path / "run"
    # 1024 x 21 = 21,504 Bayesian games of 6 agents (216 agent profiles), batched: about 1 s
    found = sobol(spec, samples=1024, n_bootstrap=200, out=out)
    assert len(found.names) == 19 and found.dropped == 0
    scenario = spec.scenario
    with xr.open_dataset(out / "results.nc", engine="scipy") as ds:
        inputs = np.column_stack([ds[f"input_{name}"].values for name in found.names])
        deal = ds["deal_is_equilibrium"].sel(format="all").values
        chance = ds["deal_probability"].sel(format="all").values
    # every 1000th run against the loop-by-loop enumeration of the agent normal form
    for row in range(0, len(deal), 1000):
        point = dict(zip(found.names, inputs[row].tolist(), strict=True))
        equilibria = oracle(scenario, None, point)
        assert bool(deal[row]) == any(e["deal"] > 0 for e in equilibria), point
        welfare = [float(e["ex_ante"].sum()) for e in equilibria]
        assert chance[row] == pytest.approx(equilibria[int(np.argmax(welfare))]["deal"])
    # trust and verification decide; the US's and the EU's constants never do
    top = {found.names[i] for i in np.argsort(-found.sobol.total)[:2]}
    assert top == {"trust", "verification"}
    assert found.sobol.total[found.names.index("truce_us")] == 0.0


# -- the command line ------------------------------------------------------------------------------


def test_the_command_runs_a_typed_experiment_and_refuses_a_constant_metric(tmp_path, capsys):
    path = str(experiment(tmp_path, TYPED))
    fast = ["--samples", "128", "--bootstrap", "50"]
    assert main(["sensitivity", path, *fast, "--metric", "deal_probability"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sobol' indices of deal_probability (all): N = 128 base rows")
    # mutual defection is a Bayes-Nash equilibrium in every draw: nothing to attribute
    assert main(["sensitivity", path, *fast, "--metric", "no_deal_is_equilibrium"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"negotiation-sim: error: {path}: --metric: ")
    assert "true in every draw" in err[0]
    # an actor's type is not an actor: one located message, with a did-you-mean
    assert main(["sensitivity", path, *fast, "--metric", "payoff", "--actor", "a.opportunist"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{path}: --actor: unknown actor 'a.opportunist'" in err[0]
