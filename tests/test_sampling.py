"""A sampled sweep draws each chunk's rows once: for its metrics and for the results' ``input_*``
(no second draw of the design at the end), with the same results in any executor.

The count of drawn rows is the spy of ``tests/test_sampled_sweeps.py`` on the unit designs; the
expected count is what each chunk needs (its rows, at most one period of the design), plus what
``check_writable`` draws for the one-sample results it writes to memory before the grid.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from negotiation_sim.sweep import run_experiment
from negotiation_sim.sweep.chunk import tasks
from negotiation_sim.sweep.dataset import check_writable
from tests.test_sampled_sweeps import KINDS, assert_same_results, ceasefire_experiment, spy_rows

CASES = [
    ("no axes", "", 64, 10),
    ("two grid points", "[axes.trust]\nvalues = [0.3, 0.8]\n", 16, 5),
    ("chunks longer than a grid point", "[axes.trust]\nvalues = [0.3, 0.8]\n", 16, 24),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "axes", "samples", "chunk"), CASES, ids=[c[0] for c in CASES])
def test_each_chunk_s_rows_are_drawn_once(kind, name, axes, samples, chunk, tmp_path, monkeypatch):
    spec = replace(ceasefire_experiment(kind, samples, axes=axes), chunk_size=chunk)
    reference = run_experiment(replace(spec, chunk_size=10**6), tmp_path / "one", progress=False)
    # Saltelli rows are built from base rows: a chunk needs at most N of them.
    period = spec.design.samples if kind == "saltelli" else spec.design.rows
    sizes = spy_rows(monkeypatch)
    check_writable(spec)
    expected = sum(min(t.stop - t.start, period) for t in tasks(spec)) + sum(sizes)
    sizes.clear()
    got = run_experiment(spec, tmp_path / "run", progress=False)
    assert sum(sizes) == expected
    assert_same_results(got, reference)


def test_a_resumed_sweep_draws_only_the_first_grid_point_s_rows_of_its_resumed_chunks(
    tmp_path, monkeypatch
):
    spec = replace(ceasefire_experiment("monte_carlo", 16), chunk_size=5)  # 2 grid points x 16
    reference = run_experiment(spec, tmp_path / "reference", progress=False)
    out = tmp_path / "run"
    run_experiment(spec, out, progress=False)
    for done in sorted((out / "chunks").glob("*.done"))[1::2]:  # chunks 1, 3, 5: recompute them
        done.unlink()
    sizes = spy_rows(monkeypatch)
    resumed = run_experiment(spec, out, resume=True, progress=False)
    # recomputed chunks 1, 3, 5 draw their 5 rows each; of the resumed chunks 0, 2, 4 and 6,
    # the rows of the first grid point (0..4 and 10..14) are drawn for input_*; check_writable 1
    assert sum(sizes) == 3 * 5 + 2 * 5 + 1
    assert_same_results(resumed, reference)


def test_dask_gives_the_same_sampled_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    specs = {kind: replace(ceasefire_experiment(kind, 8), chunk_size=5) for kind in KINDS}
    references = {
        kind: run_experiment(spec, tmp_path / f"{kind}-here", progress=False)
        for kind, spec in specs.items()
    }
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        for kind, spec in specs.items():
            got = run_experiment(
                spec, tmp_path / kind, executor=client.get_executor(), workers=2, progress=False
            )
            assert_same_results(got, references[kind])
