"""The command line: the demo runs and prints results; bad use exits 2 with one message."""

import subprocess
import sys

from negotiation_sim.cli import main


def test_demo_prints_every_example(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Arms race" in out and "Ceasefire inspection game" in out and "four actors" in out
    assert "state A: arm | state B: arm" in out
    assert "Traceback" not in out


def test_unknown_command_exits_2_without_traceback():
    completed = subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", "frobnicate"], capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "invalid choice" in completed.stderr


def _example(tmp_path):
    from tests.test_scenario import documented_example

    path = tmp_path / "arms.toml"
    path.write_text(documented_example())
    return path


def test_validate_and_solve_a_scenario(tmp_path, capsys):
    path = _example(tmp_path)
    assert main(["validate", str(path)]) == 0
    assert "ok: 'Arms race', 2 actors, 4 profiles" in capsys.readouterr().out
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1. no deal: both arm" in out
    assert "a: arm" in out


def test_solve_json_carries_outcomes_and_surplus(tmp_path, capsys):
    import json

    assert main(["solve", str(_example(tmp_path)), "--set", "gain=0.5", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (summary,) = report["formats"]
    assert summary["parameters"]["gain"] == 0.5
    (equilibrium,) = summary["equilibria"]
    assert equilibrium["outcomes"] == {"no deal: both arm": 1.0}
    assert equilibrium["total_surplus"] == 0.0


def test_bad_scenario_and_bad_values_exit_2_without_traceback(tmp_path):
    path = _example(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace('"3 + gain"', '"3 + gian"'))
    for argv in (
        ["validate", str(bad)],
        ["solve", str(bad)],
        ["solve", str(path), "--set", "gain=99"],
        ["solve", str(path), "--set", "gain"],
        ["solve", str(path), "--format", "bilateral"],
        ["solve", str(tmp_path / "missing.toml")],
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "negotiation_sim.cli", *argv], capture_output=True, text=True
        )
        assert completed.returncode == 2, argv
        assert "Traceback" not in completed.stderr
        assert completed.stderr.startswith("negotiation-sim: error: "), completed.stderr


def test_alaska_report_names_outcomes_replies_and_surplus(capsys):
    import json

    argv = ["solve", "scenarios/alaska_2025_reduced.toml", "--format", "bilateral"]
    assert main([*argv, "--set", "trust=0.8", "--set", "verification=0.8", "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)["formats"]
    deals = [
        eq
        for eq in summary["equilibria"]
        if not any(o.startswith("no deal") for o in eq["outcomes"])
    ]
    assert deals, "a deal is an equilibrium at high trust and verification"
    first = deals[0]
    assert set(first["replies"]) == {"ukraine", "eu"}
    surplus = first["surplus_over_no_deal"]
    assert set(surplus) == {"us", "russia", "ukraine", "eu"}
    assert first["total_surplus"] == sum(surplus.values())
    # At the summit's values no deal is an equilibrium, and the text report says so in words.
    assert main(argv) == 0
    results = capsys.readouterr().out.split("Format: bilateral")[1]
    assert "1. no deal: the war goes on" in results
    assert "\n  1. deal:" not in results and "\n  2. deal:" not in results


def test_alaska_analysis_answers_the_issue_questions(capsys):
    import json

    argv = [
        "solve",
        "scenarios/alaska_2025_reduced.toml",
        "--set",
        "trust=0.8",
        "--set",
        "verification=0.8",
    ]
    assert main([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    analysis = report["analysis"]
    # How zero-sum: shares in [0, 1].
    assert 0 <= analysis["zero_sum_share"] <= 1
    assert 0 <= analysis["strategic_zero_sum_share"] <= 1
    # Which equilibria leave everyone better off than war: the bilateral deal does.
    bilateral = next(f for f in report["formats"] if f["format"] == "bilateral")
    deal = bilateral["equilibria"][0]
    assert deal["pareto_improvement"] and not deal["losers"]
    # Bargaining solutions are deals when a deal beats war for everyone.
    for solution in analysis["bargaining"]["solutions"].values():
        assert solution["feasible"] and solution["outcome"] is not None
    # Whether a bilateral deal holds once Ukraine and the EU may deviate.
    assert all("durable" in d for d in analysis["formats"]["bilateral"])
    # Who must agree: Shapley values sum to 1 in each simple game.
    for values in analysis["who_must_agree"].values():
        assert abs(sum(values.values()) - 1) < 1e-12
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "Analysis (every actor choosing):" in text
    assert "zero-sum share of the game" in text and "Shapley value" in text
