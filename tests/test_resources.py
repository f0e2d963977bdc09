"""Shipped scenarios and experiments: listing and the lookup rules of negotiation_sim.resources."""

from pathlib import Path

import pytest

from negotiation_sim import ScenarioError, load_scenario
from negotiation_sim.resources import (
    find_experiment,
    find_scenario,
    shipped_dir,
    shipped_experiments,
    shipped_scenarios,
)
from negotiation_sim.sweep import load_experiment, parse_experiment

ROOT = Path(__file__).resolve().parent.parent


def test_every_scenario_and_experiment_file_is_listed():
    scenarios = sorted(p for p in (ROOT / "scenarios").iterdir() if p.is_file())
    assert all(p.suffix == ".toml" for p in scenarios), scenarios
    assert list(shipped_scenarios()) == [p.stem for p in scenarios]
    experiments = sorted((ROOT / "experiments").glob("*.toml"))
    assert list(shipped_experiments()) == [p.stem for p in experiments]
    for kind, listed in (
        ("scenarios", shipped_scenarios()),
        ("experiments", shipped_experiments()),
    ):
        for name, path in listed.items():
            assert path.is_file() and path.name == f"{name}.toml"
            assert path.read_bytes() == (ROOT / kind / path.name).read_bytes()


def test_shipped_directories_are_siblings():
    scenarios, experiments = shipped_dir("scenarios"), shipped_dir("experiments")
    assert scenarios is not None and experiments is not None
    assert scenarios.parent == experiments.parent


def test_an_existing_path_wins_over_the_shipped_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    mine = Path("scenarios/alaska_2025_reduced.toml")
    mine.write_text((ROOT / "scenarios/arms_race.toml").read_text("utf-8"), "utf-8")
    assert find_scenario("scenarios/alaska_2025_reduced.toml") == mine
    assert find_scenario(mine) == mine
    assert (
        load_scenario("scenarios/alaska_2025_reduced.toml").title
        == load_scenario(ROOT / "scenarios/arms_race.toml").title
    )
    Path("alaska_2025_reduced").write_text("not a scenario", "utf-8")
    # a file, even without .toml
    assert find_scenario("alaska_2025_reduced") == Path("alaska_2025_reduced")
    with pytest.raises(ScenarioError) as caught:
        load_scenario("alaska_2025_reduced")
    assert caught.value.source == "alaska_2025_reduced"


@pytest.mark.parametrize(
    "given",
    [
        "alaska_2025_reduced",
        "alaska_2025_reduced.toml",
        "scenarios/alaska_2025_reduced.toml",
        "../scenarios/alaska_2025_reduced.toml",
        Path("scenarios") / "alaska_2025_reduced.toml",
    ],
)
def test_names_and_repository_paths_fall_back_to_the_shipped_scenario(given, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_scenario(given) == shipped_scenarios()["alaska_2025_reduced"]
    shipped = load_scenario(ROOT / "scenarios/alaska_2025_reduced.toml")
    assert load_scenario(given).title == shipped.title


@pytest.mark.parametrize(
    "given",
    ["trust_verification", "trust_verification.toml", "experiments/trust_verification.toml"],
)
def test_names_and_repository_paths_fall_back_to_the_shipped_experiment(
    given, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert find_experiment(given) == shipped_experiments()["trust_verification"]
    spec = load_experiment(given)
    assert spec.scenario.title == load_scenario("alaska_2025_reduced").title
    assert Path(spec.scenario_path) == shipped_scenarios()["alaska_2025_reduced"]


@pytest.mark.parametrize(
    "given",
    [
        "no_such_scenario",
        "no_such_scenario.toml",
        "scenarios/no_such_scenario.toml",
        "experiments/alaska_2025_reduced.toml",  # a scenario's name, in the experiments directory
        "alaska_2025_reduced.json",
        "/nowhere/scenarios/alaska_2025_reduced.toml",  # absolute paths are used as they are
    ],
)
def test_unknown_names_keep_the_unreadable_file_error(given, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(given)
    assert caught.value.source == given
    (problem,) = caught.value.problems
    assert problem.message.startswith("cannot read the file: No such file or directory")
    if given.startswith(("no_such", "scenarios/")):
        names = ", ".join(shipped_scenarios())
        assert problem.message.endswith(f"(shipped scenarios: {names})"), problem.message
        assert "alaska_2025_reduced" in names


def test_unknown_experiment_lists_the_shipped_experiments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match=r"shipped experiments: .*trust_verification"):
        load_experiment("no_such_experiment")
    with pytest.raises(ScenarioError, match=r"shipped experiments: .*trust_verification"):
        find_experiment("experiments/alaska_2025_reduced.toml")


def test_an_experiment_elsewhere_finds_its_scenario_next_to_it_or_shipped(tmp_path):
    text = (ROOT / "experiments/trust_verification.toml").read_text("utf-8")
    assert 'scenario = "../scenarios/alaska_2025_reduced.toml"' in text
    # copied away from the repository: ../scenarios/alaska_2025_reduced.toml is the shipped one
    base = tmp_path / "experiments"
    base.mkdir()
    spec = parse_experiment(text, source="copy.toml", base=base)
    assert Path(spec.scenario_path) == shipped_scenarios()["alaska_2025_reduced"]
    # a scenario of that name next to it wins (the path normalised)
    (tmp_path / "scenarios").mkdir()
    local = tmp_path / "scenarios" / "alaska_2025_reduced.toml"
    local.write_text((ROOT / "scenarios/alaska_2025_reduced.toml").read_text("utf-8"), "utf-8")
    spec = parse_experiment(text, source="copy.toml", base=base)
    assert spec.scenario_path == str(local)
    # an unknown scenario keeps the error, located at experiment.scenario
    missing = text.replace("alaska_2025_reduced.toml", "no_such_scenario.toml")
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(missing, source="copy.toml", base=base)
    assert any(
        p.location == "experiment.scenario" and "cannot read the file" in p.message
        for p in caught.value.problems
    )
