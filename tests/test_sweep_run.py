"""The sweep runner: chunks, checkpoints and resuming, executors, the results, the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from negotiation_sim import load_scenario, solve
from negotiation_sim.cli import main
from negotiation_sim.errors import RunError
from negotiation_sim.sweep import landscape, load_experiment, parse_experiment, run_experiment
from negotiation_sim.sweep import run as runner_module
from tests.known_games import pure_profiles

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "experiments"
CEASEFIRE = DATA / "ceasefire_sweep.toml"


def _values(ds: xr.Dataset) -> xr.Dataset:
    """The dataset without the attributes that legitimately differ between runs (timings)."""
    return ds.drop_attrs()


# -- the runner ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ceasefire_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ceasefire") / "run"
    return run_experiment(load_experiment(CEASEFIRE), out), out


def test_sweep_equals_one_call_landscape(ceasefire_run):
    """Chunking (97 points a chunk over a 41 x 23 grid) puts every point where it belongs."""
    ds, _ = ceasefire_run
    spec = load_experiment(CEASEFIRE)
    direct = landscape(spec.scenario, {a.name: a.values for a in spec.axes})
    got = ds.sel(format=spec.formats[0])
    assert np.array_equal(got["outcome"].values, direct.outcome)
    assert np.array_equal(got["deal_is_equilibrium"].values, direct.deal_is_equilibrium)
    assert np.array_equal(got["n_equilibria"].values, direct.n_equilibria)
    np.testing.assert_array_equal(got["payoff"].values, direct.payoffs)
    np.testing.assert_array_equal(got["surplus"].values, direct.surplus)


def test_sweep_points_agree_with_solving_each_game(ceasefire_run):
    ds, _ = ceasefire_run
    scenario = load_experiment(CEASEFIRE).scenario
    rng = np.random.default_rng(0)
    for _ in range(15):
        t = float(rng.choice(ds.trust.values))
        v = float(rng.choice(ds.verification.values))
        game = scenario.game({"trust": t, "verification": v})
        result = solve(game, method="pure")
        point = ds.sel(trust=t, verification=v).isel(format=0)
        assert int(point.n_equilibria) == len(result.equilibria)
        deal = any(
            scenario.outcome_of(None, p, {"trust": t, "verification": v}) == "ceasefire"
            for p in pure_profiles(result)
        )
        assert bool(point.deal_is_equilibrium) == deal


def test_numeric_frontier_is_within_one_grid_cell_of_the_closed_form(ceasefire_run):
    """Deal region of the sweep vs max of both sides' assurance thresholds (docs/models.md §4)."""
    ds, _ = ceasefire_run
    trust = ds.trust.values
    step = trust[1] - trust[0]
    pi = ds.verification.values

    def threshold(r, p, s):  # written out here, independently of the package
        return (1 - pi) * (p - s) / ((r - p) + (1 - pi) * (p - s))

    closed = np.maximum(threshold(3.0, 1.0, -1.0), threshold(2.0, 0.5, -2.0))
    deal = ds["deal_is_equilibrium"].isel(format=0).values  # (trust, verification)
    for j in range(pi.size):
        column = deal[:, j]
        assert column.any()
        first = trust[np.argmax(column)]
        assert column[np.argmax(column) :].all(), "the deal region is monotone in trust"
        assert closed[j] - 1e-12 <= first <= closed[j] + step + 1e-12
    both = np.maximum(ds["frontier_north"].values, ds["frontier_south"].values)
    np.testing.assert_allclose(both, closed, rtol=1e-12)
    assert ds["frontier_north"].attrs["frontier_y"] == "trust"


def test_flagship_multilateral_region_follows_kyivs_donetsk_threshold(tmp_path):
    """In the multilateral format Kyiv's acceptance of the Donetsk deal bounds the deal region
    (where it is above the 0.06 floor set elsewhere in the game)."""
    spec = load_experiment(ROOT / "experiments" / "trust_verification.toml")
    ds = run_experiment(spec, tmp_path / "flagship")
    trust = ds.trust.values
    step = trust[1] - trust[0]
    deal = ds["deal_is_equilibrium"].sel(format="multilateral").values
    frontier = ds["frontier_kyiv_donetsk"].values
    checked = 0
    for j, threshold in enumerate(frontier):
        if threshold < 0.1:
            continue
        first = trust[np.argmax(deal[:, j])]
        assert threshold - 1e-9 <= first <= threshold + step + 1e-9
        checked += 1
    assert checked > 50


def test_results_file_round_trips_with_provenance(ceasefire_run):
    ds, out = ceasefire_run
    saved = xr.load_dataset(out / "results.nc")
    assert _values(saved).identical(_values(ds))
    spec = load_experiment(CEASEFIRE)
    assert saved.attrs["experiment_text"] == spec.text
    assert saved.attrs["scenario_text"] == spec.scenario_text
    assert saved.attrs["negotiation_sim_version"]
    assert int(saved.attrs["seed"]) == spec.seed
    timings = json.loads(saved.attrs["timings"])
    assert timings["chunks"] == 10 and timings["chunks_computed"] == 10
    assert saved["outcome"].attrs["flag_meanings"].split() == ["none", *spec.scenario.outcome_ids]
    assert saved["payoff"].dims == ("format", "trust", "verification", "actor")
    assert saved["zero_sum_share"].dims == ("trust", "verification")


def test_existing_output_needs_resume_and_the_same_experiment(ceasefire_run, tmp_path):
    _, out = ceasefire_run
    spec = load_experiment(CEASEFIRE)
    with pytest.raises(RunError, match="--resume"):
        run_experiment(spec, out)
    again = run_experiment(spec, out, resume=True)  # complete: nothing recomputed
    assert json.loads(again.attrs["timings"])["chunks_computed"] == 0
    other = parse_experiment(spec.text.replace("points = 23", "points = 24"), base=DATA)
    with pytest.raises(RunError, match="different sweep"):
        run_experiment(other, out, resume=True)


def test_interrupted_sweep_resumes_without_recomputing_or_losing_chunks(tmp_path, monkeypatch):
    spec = load_experiment(CEASEFIRE)
    reference = run_experiment(spec, tmp_path / "reference")
    real = runner_module.compute_chunk
    calls: list[int] = []

    def flaky(task):
        if len(calls) == 4:
            raise KeyboardInterrupt  # Ctrl-C during the fifth chunk
        calls.append(task.index)
        return real(task)

    monkeypatch.setattr(runner_module, "compute_chunk", flaky)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        run_experiment(spec, out)
    done = sorted(out.glob("chunks/*.done"))
    assert len(done) == 4 and not (out / "results.nc").exists()
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("chunks/*.npz")}
    assert len(stamps) == 4
    monkeypatch.setattr(runner_module, "compute_chunk", real)
    resumed = run_experiment(spec, out, resume=True)
    timings = json.loads(resumed.attrs["timings"])
    assert timings["chunks_resumed"] == 4 and timings["chunks_computed"] == 6
    assert all(p.stat().st_mtime_ns == stamp for p, stamp in stamps.items())
    assert _values(resumed).identical(_values(reference))


def test_a_chunk_without_its_done_flag_is_recomputed(tmp_path):
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    reference = run_experiment(spec, out)
    flag = out / "chunks" / "000003.done"
    flag.unlink()  # as if killed between the data and the flag
    (out / "chunks" / "000003.npz").write_bytes(b"torn")
    resumed = run_experiment(spec, out, resume=True)
    assert json.loads(resumed.attrs["timings"])["chunks_computed"] == 1
    assert _values(resumed).identical(_values(reference))


def _sweep_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "negotiation_sim.cli", "sweep", *args]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_sweep_process_resumes_to_the_identical_dataset(tmp_path, how):
    """A real process killed mid-sweep, resumed from the command line."""
    spec_path = tmp_path / "slow.toml"
    spec_path.write_text(
        CEASEFIRE.read_text(encoding="utf-8")
        .replace('scenario = "ceasefire.toml"', f'scenario = "{DATA / "ceasefire.toml"}"')
        .replace("chunk_size = 97", "chunk_size = 3")
        .replace("points = 41", "points = 101"),
        encoding="utf-8",
    )
    out = tmp_path / "run"
    process = subprocess.Popen(
        _sweep_command(str(spec_path), "-o", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while len(list(out.glob("chunks/*.done"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, how)
    _, stderr = process.communicate(timeout=60)
    if how == signal.SIGTERM:
        assert process.returncode == 130
        assert "--resume" in stderr
    else:
        assert process.returncode == -signal.SIGKILL
    finished = len(list(out.glob("chunks/*.done")))
    assert 5 <= finished < 775, "the kill came mid-sweep"
    assert not (out / "results.nc").exists()
    resumed = subprocess.run(
        _sweep_command(str(spec_path), "-o", str(out), "--resume"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    ds = xr.load_dataset(out / "results.nc")
    timings = json.loads(ds.attrs["timings"])
    assert timings["chunks_resumed"] >= finished
    reference = run_experiment(load_experiment(spec_path), tmp_path / "reference")
    assert _values(ds).identical(_values(reference))


def test_process_pool_and_dask_give_the_identical_dataset(ceasefire_run, tmp_path):
    distributed = pytest.importorskip("distributed")
    reference, _ = ceasefire_run
    spec = load_experiment(CEASEFIRE)
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        pooled = run_experiment(spec, tmp_path / "pool", executor=pool, workers=2)
    assert _values(pooled).identical(_values(reference))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_experiment(spec, tmp_path / "dask", executor=client.get_executor(), workers=2)
    assert _values(on_dask).identical(_values(reference))
    assert json.loads(on_dask.attrs["timings"])["executor"] == "ClientExecutor"


def test_logit_fills_the_points_without_a_pure_equilibrium(tmp_path):
    """The inspection game has no pure equilibrium: deal probability from the logit limit."""
    scenario_path = ROOT / "scenarios" / "inspection.toml"
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{scenario_path}"\nsolver = "pure+logit"\n'
        "[axes.penalty]\nvalues = [1.0, 3.0]\n[axes.gain]\nvalues = [0.5, 2.0]\n"
    )
    spec = parse_experiment(text, base=tmp_path)
    ds = run_experiment(spec, tmp_path / "run").isel(format=0)
    scenario = load_scenario(scenario_path)
    deals = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids], dtype=float)
    checked = 0
    for penalty in ds.penalty.values:
        for gain in ds.gain.values:
            point = ds.sel(penalty=penalty, gain=gain)
            if int(point.outcome) != -1:
                continue
            params = {"penalty": float(penalty), "gain": float(gain)}
            game = scenario.game(params)
            equilibrium = solve(game, method="logit").equilibria[0]
            joint = np.multiply.outer(*equilibrium.strategies)
            outcomes = np.array(
                [
                    [
                        scenario.outcome_ids.index(scenario.outcome_of(None, (i, j), params))
                        for j in range(joint.shape[1])
                    ]
                    for i in range(joint.shape[0])
                ]
            )
            expected = float(np.sum(joint * deals[outcomes]))
            assert float(point.deal_probability) == pytest.approx(expected, abs=1e-9)
            assert 0 < expected < 1
            np.testing.assert_allclose(point.payoff.values, equilibrium.payoffs, atol=1e-9)
            # Surplus over the no-deal outcome's payoffs, written out (the outcome "none").
            none = scenario.outcomes[scenario.no_deal].payoffs
            no_deal = [float(none[a].evaluate(scenario.values(params))) for a in scenario.actor_ids]
            np.testing.assert_allclose(
                point.surplus.values, equilibrium.payoffs - np.array(no_deal), atol=1e-9
            )
            checked += 1
    assert checked >= 1


def test_pure_solver_leaves_nan_where_there_is_no_pure_equilibrium(tmp_path):
    scenario_path = ROOT / "scenarios" / "inspection.toml"
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{scenario_path}"\n'
        'metrics = ["outcome", "deal_probability", "welfare"]\n'
        "[axes.gain]\nvalues = [0.5, 2.0]\n"
    )
    ds = run_experiment(parse_experiment(text, base=tmp_path), tmp_path / "run")
    assert set(ds.data_vars) == {"outcome", "deal_probability", "welfare"}
    none = ds["outcome"].values == -1
    assert none.any()
    assert np.isnan(ds["deal_probability"].values[none]).all()
    assert np.isnan(ds["welfare"].values[none]).all()


# -- the results of commit 05084e8 ---------------------------------------------------------------

REFERENCE = Path(__file__).parent / "data" / "reference_results"
#: Surplus differs from 05084e8's in the last bit where relative gains apply: the disagreement
#: point now goes through the one relative-gains transform (the payoffs' association); the
#: zero-sum shares in the last bits, as each game's payoffs are now summed in one order whatever
#: the chunk size (shares are in [0, 1]: a few ulps).
LAST_BITS = 1e-14


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*.nc")), ids=lambda p: p.stem)
def test_results_equal_those_of_commit_05084e8(path, tmp_path):
    """Each shipped experiment of 05084e8 on a coarse grid (tests/data/reference_results/make.py),
    run from the experiment and scenario texts stored in its results: the same file."""
    reference = xr.load_dataset(path)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(reference.attrs["scenario_text"], encoding="utf-8")
    text = re.sub(
        r'(?m)^scenario = ".*"$', f'scenario = "{scenario}"', reference.attrs["experiment_text"]
    )
    run_experiment(parse_experiment(text, base=tmp_path), tmp_path / "run")
    got = xr.load_dataset(tmp_path / "run" / "results.nc")
    # Issue 15 added the equilibrium set, and named the selection rule (the default, welfare)
    # on the selected variables and in the attributes; everything else is as it was.
    assert [v for v in got.data_vars if v != "equilibrium_set"] == list(reference.data_vars)
    assert list(got.coords) == list(reference.coords) and dict(got.sizes) == dict(reference.sizes)
    if "deal_is_equilibrium" in reference:
        deal, no_deal = reference.deal_is_equilibrium, reference.no_deal_is_equilibrium
        expected_set = np.select([deal & ~no_deal, deal & no_deal, no_deal], [0, 1, 2], 3)
        np.testing.assert_array_equal(got.equilibrium_set.values, expected_set)
    for name, expected in reference.variables.items():
        variable = got.variables[name]
        assert variable.dims == expected.dims and variable.dtype == expected.dtype, name
        added = {"selection"} if "selection" in variable.attrs else set()
        assert variable.attrs.keys() - added == expected.attrs.keys(), name
        assert variable.attrs.get("selection", "welfare") == "welfare", name
        for key, value in expected.attrs.items():
            if key == "long_name" and added:  # now names the rule
                assert "welfare" in variable.attrs[key], (name, variable.attrs[key])
                continue
            assert np.array_equal(variable.attrs[key], value), (name, key)
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(variable.values, expected.values, rtol=0, atol=LAST_BITS)
        else:
            np.testing.assert_array_equal(variable.values, expected.values)
    same = set(reference.attrs) - {"experiment", "experiment_text", "scenario", "fingerprint"}
    assert set(got.attrs) == set(reference.attrs) | {"selection", "selection_rule"}
    assert got.attrs["selection"] == "welfare"
    for key in same - {"timings", "negotiation_sim_version"}:
        assert got.attrs[key] == reference.attrs[key], key


def test_zero_sum_shares_equal_the_oracle_point_by_point(ceasefire_run):
    """The sweep's zero-sum shares, from the payoff table the formats share, against the
    plain per-game definition on a table built one profile at a time."""
    from tests.oracles import scenario_table, zero_sum_shares_reference

    ds, _ = ceasefire_run
    scenario = load_experiment(CEASEFIRE).scenario
    rng = np.random.default_rng(3)
    for _ in range(10):
        params = {
            "trust": float(rng.choice(ds.trust.values)),
            "verification": float(rng.choice(ds.verification.values)),
        }
        table = scenario_table(scenario, params)
        u = np.empty((len(scenario.actors), *scenario.shape))
        for profile, payoffs in table.items():
            every_actor: tuple[slice | int, ...] = (slice(None), *profile)
            u[every_actor] = payoffs
        raw, strategic = zero_sum_shares_reference(u)
        point = ds.sel(params)
        assert float(point.zero_sum_share) == pytest.approx(raw, abs=1e-12)
        assert float(point.strategic_zero_sum_share) == pytest.approx(strategic, abs=1e-12)


def test_chunks_hold_named_arrays(ceasefire_run):
    _, out = ceasefire_run
    with np.load(out / "chunks" / "000000.npz") as chunk:
        shapes = {name: chunk[name].shape for name in chunk.files}
        kinds = {name: chunk[name].dtype.kind for name in chunk.files}
    assert shapes["outcome"] == (1, 97) and shapes["payoff"] == (1, 97, 2)
    assert shapes["zero_sum_share"] == (97,)
    assert kinds["deal_is_equilibrium"] == "b" and kinds["n_equilibria"] == "i"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chunk_layout"] == 2


def test_resuming_checkpoints_of_the_old_layout_asks_for_overwrite(tmp_path):
    """A directory written before chunks were named arrays (no chunk_layout in its manifest)."""
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    run_experiment(spec, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["chunk_layout"]
    manifest["columns"] = 18
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RunError, match=r"chunk layout 1.*--overwrite"):
        run_experiment(spec, out, resume=True)
    (out / "chunks" / "000001.npy").write_bytes(b"old")  # removed with the sweep's own files
    again = run_experiment(spec, out, overwrite=True)
    assert json.loads(again.attrs["timings"])["chunks_computed"] == 10
    assert not list(out.glob("chunks/*.npy"))


def test_a_torn_chunk_with_its_flag_is_recomputed(tmp_path):
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    reference = run_experiment(spec, out)
    (out / "chunks" / "000002.npz").write_bytes(b"torn")  # the flag stays
    resumed = run_experiment(spec, out, resume=True)
    timings = json.loads(resumed.attrs["timings"])
    assert timings["chunks_computed"] == 1 and timings["chunks_rejected"] == 1
    assert _values(resumed).identical(_values(reference))


def test_each_done_flag_is_a_ledger_entry_for_its_chunk(ceasefire_run):
    """Index, the run's fingerprint, the sha256 of the chunk's bytes (hashlib on the file),
    its points and seconds."""
    import hashlib

    _, out = ceasefire_run
    spec = load_experiment(CEASEFIRE)
    for k in range(10):
        entry = json.loads((out / "chunks" / f"{k:06d}.done").read_text(encoding="utf-8"))
        data = (out / "chunks" / f"{k:06d}.npz").read_bytes()
        assert entry["index"] == k and entry["fingerprint"] == spec.fingerprint
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["points"] == (97 if k < 9 else 943 - 9 * 97)
        assert entry["seconds"] > 0


def test_resume_accepts_the_same_files_however_their_paths_are_spelled(tmp_path, monkeypatch):
    folder = tmp_path / "experiments"
    folder.mkdir()
    for name in ("ceasefire.toml", "ceasefire_sweep.toml"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "experiments/ceasefire_sweep.toml", "-o", "out", "--no-progress"]) == 0
    Path("out/results.nc").unlink()
    for spelled in ("./experiments/ceasefire_sweep.toml", str(folder / "ceasefire_sweep.toml")):
        again = ["sweep", spelled, "-o", "./out/", "--resume", "--no-progress"]
        assert main(again) == 0, spelled
    resumed = xr.load_dataset("out/results.nc")
    assert json.loads(resumed.attrs["timings"])["chunks_computed"] == 0


def test_resume_removes_the_temporary_files_of_a_killed_run(tmp_path):
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    run_experiment(spec, out)
    left = [
        out / ".results.nc.4242.tmp",
        out / ".manifest.json.4242.tmp",
        out / "chunks" / ".000003.npz.4242.tmp",
        out / "chunks" / ".000003.done.4242.tmp",
    ]
    theirs = [out / ".notes.tmp", out / "chunks" / "draft.tmp"]
    for path in left + theirs:
        path.write_bytes(b"partial")
    run_experiment(spec, out, resume=True)
    assert not any(path.exists() for path in left)
    assert all(path.read_bytes() == b"partial" for path in theirs)


@pytest.mark.parametrize("flag", [[], ["--resume"], ["--overwrite"]])
def test_a_manifest_negotiation_sim_did_not_write_is_never_replaced(flag, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    manifest = folder / "manifest.json"
    manifest.write_text('{"name": "my web app", "version": "1.0"}', encoding="utf-8")
    (folder / "results.nc").write_bytes(b"my results")
    assert main(["sweep", str(CEASEFIRE), "-o", str(folder), *flag]) == 2
    err = capsys.readouterr().err
    assert f"{manifest} is not the manifest of a negotiation_sim sweep" in err
    assert err.count("\n") == 1
    assert manifest.read_text(encoding="utf-8") == '{"name": "my web app", "version": "1.0"}'
    assert (folder / "results.nc").read_bytes() == b"my results"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "results.nc"]


def test_overwrite_keeps_foreign_files_in_the_chunks_folder(tmp_path):
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    run_experiment(spec, out)
    mine = out / "chunks" / "README"
    mine.write_text("my notes on the chunks", encoding="utf-8")
    again = run_experiment(spec, out, overwrite=True)
    assert json.loads(again.attrs["timings"])["chunks_computed"] == 10
    assert mine.read_text(encoding="utf-8") == "my notes on the chunks"
    run_experiment(spec, out, resume=True)  # and the directory stays resumable


# -- command line --------------------------------------------------------------------------------


def test_cli_sweep_then_plot(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["sweep", str(CEASEFIRE), "-o", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert str(out / "results.nc") in printed and "a deal is a pure equilibrium at" in printed
    picture = tmp_path / "landscape.png"
    assert main(["plot", str(out), "-o", str(picture)]) == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", str(out), "--metric", "surplus", "-o", str(picture)]) == 2
    assert "actor" in capsys.readouterr().err
    assert main(["sweep", str(CEASEFIRE), "-o", str(out)]) == 2  # exists: needs --resume
    assert "--resume" in capsys.readouterr().err


def test_overwrite_replaces_only_the_sweeps_own_files(ceasefire_run, tmp_path):
    spec = load_experiment(CEASEFIRE)
    out = tmp_path / "run"
    run_experiment(spec, out)
    notes = out / "my notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    other = parse_experiment(spec.text.replace("points = 23", "points = 5"), base=DATA)
    replaced = run_experiment(other, out, overwrite=True)
    assert replaced.sizes["verification"] == 5
    assert notes.read_text(encoding="utf-8") == "keep me"
    assert len(list(out.glob("chunks/*.done"))) == json.loads(replaced.attrs["timings"])["chunks"]


def test_cli_set_holds_parameters_and_is_part_of_the_fingerprint(tmp_path, capsys):
    out = tmp_path / "run"
    # A costlier betrayal for North (s_north = -3) raises its threshold: fewer deal points.
    assert main(["sweep", str(CEASEFIRE), "-o", str(out), "--set", "s_north=-3"]) == 0
    held = xr.load_dataset(out / "results.nc")
    assert json.loads(held.attrs["fixed"]) == {"s_north": -3.0}
    plain = run_experiment(load_experiment(CEASEFIRE), tmp_path / "plain")
    assert int(held["deal_is_equilibrium"].sum()) < int(plain["deal_is_equilibrium"].sum())
    spec = load_experiment(CEASEFIRE).with_fixed({"s_north": -3.0})
    assert _values(held).identical(_values(run_experiment(spec, tmp_path / "api")))
    capsys.readouterr()
    # Resuming with other values is another sweep: refused, not mixed in.
    assert main(["sweep", str(CEASEFIRE), "-o", str(out), "--resume", "--set", "s_north=-2"]) == 2
    assert "different sweep" in capsys.readouterr().err
    assert (
        main(
            [
                "sweep",
                str(CEASEFIRE),
                "-o",
                str(tmp_path / "x"),
                "--set",
                "trust=0.5",
                "--set",
                "s_nrth=1",
                "--set",
                "r_north=99",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--set trust: 'trust' is a swept axis" in err
    assert "--set s_nrth: unknown parameter" in err and "did you mean 's_north'" in err
    assert "--set r_north: value 99 is outside the range" in err


def test_a_failure_at_the_end_keeps_the_chunks_and_resume_finishes(tmp_path, monkeypatch):
    """What no check could foresee (here: a failure injected into building the dataset)."""
    spec = load_experiment(CEASEFIRE)
    reference = run_experiment(spec, tmp_path / "reference")

    def broken(*args, **kwargs):
        raise ValueError("injected")

    monkeypatch.setattr(runner_module, "to_dataset", broken)
    out = tmp_path / "run"
    with pytest.raises(
        RunError,
        match=r"results\.nc: cannot write the results \(injected\); "
        r"the 10 finished chunks are kept in .*--resume",
    ):
        run_experiment(spec, out)
    monkeypatch.undo()  # the real to_dataset again
    resumed = run_experiment(spec, out, resume=True)
    assert json.loads(resumed.attrs["timings"])["chunks_computed"] == 0
    assert _values(resumed).identical(_values(reference))


# -- outcome probabilities ----------------------------------------------------------------------


def test_outcome_probabilities_of_pure_points_are_their_outcome_and_of_logit_points_the_mix(
    tmp_path,
):
    """The inspection game has no pure equilibrium: under ``pure+logit`` each outcome's
    probability is the product of the mixed equilibrium's closed forms (Avenhaus, von Stengel
    & Zamir 2002: violate w.p. cost/loss, inspect w.p. gain/(gain + penalty)); a pure point
    reaches its outcome for sure."""
    inspection = Path(__file__).resolve().parents[1] / "scenarios" / "inspection.toml"
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{inspection}"\nsolver = "pure+logit"\n'
        'metrics = ["outcome", "deal_probability", "outcome_probability"]\n'
        "[axes.gain]\nvalues = [1.0, 2.0, 4.0]\n"
    )
    ds = run_experiment(parse_experiment(text, source="x.toml"), tmp_path / "run")
    shares = ds["outcome_probability"].sel(format=ds["format"].values[0])
    assert list(ds["outcome_id"].values) == [
        "compliance",
        "compliance_verified",
        "violation_undetected",
        "violation_caught",
    ]
    penalty, cost, loss = 2.0, 0.5, 2.0  # the scenario's defaults
    for gain in (1.0, 2.0, 4.0):
        violate, inspect = cost / loss, gain / (gain + penalty)
        expected = [
            (1 - violate) * (1 - inspect),
            (1 - violate) * inspect,
            violate * (1 - inspect),
            violate * inspect,
        ]
        np.testing.assert_allclose(shares.sel(gain=gain).values, expected, atol=2e-3)
    assert np.allclose(shares.sum("outcome_id"), 1.0)
    assert (
        "outcome_probability"
        not in load_experiment(  # asked for, never by default
            Path(__file__).resolve().parents[1] / "experiments" / "trust_verification.toml"
        ).metrics
    )
