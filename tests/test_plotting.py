"""The bargaining picture: its data checked numerically, its drawing rendered under Agg."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from negotiation_sim import ScenarioError, load_scenario
from negotiation_sim.cli import main
from negotiation_sim.plotting import bargaining_picture, plot_bargaining
from tests.oracles import dominating_gain

HIGH = {"trust": 0.8, "verification": 0.8}


def _dominated_by_a_lottery(point, points) -> bool:
    return dominating_gain(points, point) > 1e-7


def test_picture_data_is_consistent():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    picture = bargaining_picture(scenario, ["russia", "ukraine"], HIGH)
    assert picture.points.shape[1] == 2
    assert len(picture.outcomes) == len(picture.points)
    # Frontier points are outcome points that no lottery dominates.
    for point in picture.frontier:
        assert any(np.allclose(point, p) for p in picture.points)
        assert not _dominated_by_a_lottery(point, picture.points)
    # Solutions are individually rational and efficient among deal lotteries.
    deals = picture.points[picture.is_deal]
    assert set(picture.solutions) == {"Nash", "Kalai-Smorodinsky", "egalitarian"}
    for point in picture.solutions.values():
        assert np.all(point >= picture.no_deal - 1e-9)
        assert not _dominated_by_a_lottery(point, deals)
    # The war's payoffs by hand (scenarios/alaska_2025_reduced.toml, outcomes.war.payoffs), rho = 0.
    v = load_scenario("scenarios/alaska_2025_reduced.toml").defaults()
    war = [v["p"] - v["c_russia"] + v["legitimacy"], 1 - v["p"] - v["c_ukraine"]]
    assert np.allclose(picture.no_deal, war)


def test_unknown_actor_is_a_scenario_error():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    with pytest.raises(ScenarioError, match="expected two different actors"):
        bargaining_picture(scenario, ["russia", "china"])


def test_plot_renders_and_cli_writes_png(tmp_path, capsys):
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    ax = plot_bargaining(bargaining_picture(scenario, None, HIGH))
    assert ax.get_xlabel() == "payoff of us" and ax.get_ylabel() == "payoff of russia"
    labels = ax.get_legend_handles_labels()[1]
    assert "no deal" in labels and "Pareto frontier (lotteries)" in labels
    out = tmp_path / "b.png"
    argv = [
        "plot-bargaining",
        "scenarios/alaska_2025_reduced.toml",
        "--actors",
        "russia,ukraine",
        "-o",
        str(out),
    ]
    assert main([*argv, "--set", "trust=0.8"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
