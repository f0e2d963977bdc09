"""Sampled designs of an experiment: ``[design]`` and ``[priors]`` checked into a :class:`Design`.

A grid design (the default) sweeps the axes only. A sampled design draws, at every grid point
of the axes (or once, when there are no axes), ``samples`` rows of the *sampled* parameters
from their priors (``docs/experiment-format.md``, MODEL.md §9):

=====================  ===================================================================
kind                   rows per grid point
=====================  ===================================================================
``monte_carlo``        ``samples`` Philox draws
``latin_hypercube``    ``samples`` rows, one per stratum of every parameter
``sobol``              ``samples`` scrambled Sobol' points (a power of two)
``saltelli``           ``samples * (d + 2)``: the matrices A, B and every A_B^i of Saltelli
                       (2010) over the d sampled parameters (``samples`` a power of two)
=====================  ===================================================================

Every grid point sees the same rows (common random numbers: differences between points are
not sampling noise), and row ``r`` depends on (kind, samples, seed, r) alone
(:mod:`.design`), so chunking, resuming and executors reproduce the samples bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from .._checking import Problems, join, show, suggest
from ..game import FloatArray
from ..scenario import Scenario
from ..scenario.priors import Prior, parse_prior
from .design import saltelli_base, unit_samples

__all__ = ["DESIGN_KINDS", "Design", "Drawn", "Sampling", "check_design"]

#: ``[design] kind``: the grid of the axes alone, or a sampled design.
DESIGN_KINDS: tuple[str, ...] = ("grid", "monte_carlo", "latin_hypercube", "sobol", "saltelli")
#: The most rows a sampled design may have at one grid point.
MAX_SAMPLES = 2**24

_DESIGN_KEYS = ("kind", "samples", "sample")


@dataclass(frozen=True, eq=False)
class Design:
    """How an experiment samples the parameters it does not sweep.

    Attributes
    ----------
    kind : str
        One of :data:`DESIGN_KINDS`.
    samples : int
        Draws per grid point (the Saltelli base size N for ``"saltelli"``); 1 for a grid.
    names : tuple of str
        The sampled parameters, in column order.
    priors : tuple of Prior
        Their priors (the scenario's, or the experiment's ``[priors]``), in the same order.

    Examples
    --------
    >>> from negotiation_sim.scenario.priors import parse_prior
    >>> design = Design("saltelli", 4, ("a", "b"), tuple(parse_prior("uniform(0, 1)", 0, 1)
    ...                                               for _ in "ab"))
    >>> design.rows, design.sampled
    (16, True)
    >>> x = design.inputs(seed=1)
    >>> bool((x[8:12, 0] == x[4:8, 0]).all() and (x[8:12, 1] == x[:4, 1]).all())  # A_B^0
    True
    """

    kind: str = "grid"
    samples: int = 1
    names: tuple[str, ...] = ()
    priors: tuple[Prior, ...] = ()
    #: One chunk's rows, drawn already (:meth:`holding`): :meth:`cycle` returns them.
    drawn: Drawn | None = field(default=None, repr=False)

    @property
    def sampled(self) -> bool:
        """Whether the design draws samples (any kind but ``"grid"``)."""
        return self.kind != "grid"

    @property
    def rows(self) -> int:
        """Rows per grid point: ``samples``, or ``samples * (d + 2)`` for Saltelli."""
        if self.kind == "saltelli":
            return self.samples * (len(self.names) + 2)
        return self.samples if self.sampled else 1

    @property
    def reduced_rows(self) -> int:
        """The rows that are independent draws from the priors (A and B for Saltelli): what
        probabilities and quantiles are estimated from."""
        return 2 * self.samples if self.kind == "saltelli" else self.rows

    def inputs(self, *, seed: int, start: int = 0, stop: int | None = None) -> FloatArray:
        """Rows ``[start, stop)`` of the sampled parameters' values, shape ``(rows, d)``."""
        stop = self.rows if stop is None else stop
        unit = self.unit(seed=seed, start=start, stop=stop)
        out = np.empty_like(unit)
        for j, prior in enumerate(self.priors):
            out[:, j] = prior.ppf(unit[:, j])
        return out

    def cycle(self, *, seed: int, first: int, count: int) -> FloatArray:
        """Rows ``(first + k) % rows`` for ``k < count`` of :meth:`inputs`: a chunk's rows, which
        run on from one grid point to the next. Costs at most ``min(count, rows)`` rows, or
        nothing when the design holds them (:meth:`holding`).

        Examples
        --------
        >>> from negotiation_sim.scenario.priors import parse_prior
        >>> design = Design("monte_carlo", 4, ("a",), (parse_prior("uniform(0, 1)", 0, 1),))
        >>> whole = design.inputs(seed=3)
        >>> bool((design.cycle(seed=3, first=6, count=3) == whole[[2, 3, 0]]).all())
        True
        """
        held = self.drawn
        if held is not None and (held.seed, held.first, len(held.rows)) == (seed, first, count):
            return held.rows
        return _cyclic(
            lambda a, b: self.inputs(seed=seed, start=a, stop=b), first, count, self.rows
        )

    def holding(self, *, seed: int, first: int, count: int) -> Design:
        """This design with the rows :meth:`cycle` gives for ``(seed, first, count)`` drawn now
        (read-only), so that a chunk's rows are drawn once: for its metrics (through
        :meth:`cycle`) and for the results' ``input_*`` (:attr:`drawn`).

        Examples
        --------
        >>> from negotiation_sim.scenario.priors import parse_prior
        >>> design = Design("monte_carlo", 4, ("a",), (parse_prior("uniform(0, 1)", 0, 1),))
        >>> held = design.holding(seed=3, first=6, count=3)
        >>> held.cycle(seed=3, first=6, count=3) is held.drawn.rows
        True
        >>> bool((held.drawn.rows == design.cycle(seed=3, first=6, count=3)).all())
        True
        """
        rows = self.cycle(seed=seed, first=first, count=count)
        rows.setflags(write=False)
        return replace(self, drawn=Drawn(seed, first, rows))

    def unit(self, *, seed: int, start: int = 0, stop: int | None = None) -> FloatArray:
        """Rows ``[start, stop)`` on the unit hypercube (before the inverse CDFs)."""
        stop = self.rows if stop is None else stop
        d = len(self.names)
        if self.kind != "saltelli":
            return unit_samples(self.kind, self.samples, d, seed=seed, start=start, stop=stop)
        rows = np.arange(start, stop)
        block = rows // self.samples
        if rows.size == 0:
            return np.empty((0, d))
        # Base row j serves row j of every block: fetch the chunk's j's (consecutive modulo N)
        # only, not every j between their least and greatest (the whole base at a block edge).
        base = _cyclic(
            lambda a, b: saltelli_base(self.samples, d, seed=seed, start=a, stop=b),
            start,
            stop - start,
            self.samples,
        )
        out: FloatArray = base[:, :d].copy()  # A
        out[block == 1] = base[block == 1, d:]  # B
        for i in range(d):  # A_B^i: A with column i from B
            at = block == 2 + i
            out[at, i] = base[at, d + i]
        return out


def _cyclic(
    fetch: Callable[[int, int], FloatArray], first: int, count: int, period: int
) -> FloatArray:
    """Rows ``(first + k) % period``, ``k < count``, of a table whose rows ``[a, b)`` are
    ``fetch(a, b)``: one or two contiguous fetches, or the whole table once when ``count`` is
    at least ``period``, so the cost is at most ``min(count, period)`` rows."""
    first %= period
    if count >= period:
        return fetch(0, period)[(first + np.arange(count)) % period]
    end = first + count
    if end <= period:
        return fetch(first, end)
    return np.concatenate([fetch(first, period), fetch(0, end - period)])


class Drawn(NamedTuple):
    """Rows of a design drawn for one chunk: :meth:`Design.cycle` ``(seed, first, count)``."""

    seed: int
    first: int
    #: (count, d), read-only.
    rows: FloatArray


class Sampling(NamedTuple):
    """What ``[design]`` and ``[priors]`` say."""

    design: Design
    #: Every parameter's prior (the scenario's, overridden by ``[priors]``); those without one
    #: are absent.
    priors: dict[str, Prior]


def check_design(
    problems: Problems,
    given: Any,
    overrides: Any,
    scenario: Scenario | None,
    held: tuple[str, ...],
) -> Sampling | None:
    """``[design]`` and ``[priors]`` as a :class:`Sampling` (``None`` with problems recorded).

    ``held`` are the parameters the experiment sweeps or fixes: they are not sampled.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> problems = Problems("x.toml")
    >>> design, priors = check_design(problems, {"kind": "sobol", "samples": 8, "sample": ["p"]},
    ...                               {"p": "uniform(0.5, 0.6)"}, alaska, ("trust",))
    >>> design.names, str(design.priors[0]), design.rows
    (('p',), 'uniform(0.5, 0.6)', 8)
    >>> check_design(problems, {"kind": "sobol", "samples": 6}, {}, alaska, ()) is None
    True
    >>> [str(p) for p in problems.problems]
    ["design.samples: a 'sobol' design needs a power of two, got 6 (try 4 or 8)"]
    """
    table = problems.table(given, "design", optional=_DESIGN_KEYS) or {}
    priors = _priors(problems, overrides, scenario)
    kind = table.get("kind", "grid")
    if kind not in DESIGN_KINDS:
        problems.add(
            "design.kind",
            f"unknown design {show(kind)}{suggest(str(kind), DESIGN_KINDS, listing=True)}",
        )
        return None
    if kind == "grid":
        for key in ("samples", "sample"):
            if key in table:
                problems.add(
                    join("design", key),
                    f"a grid design samples nothing: drop {key!r} or choose a sampled kind",
                )
        return (
            None
            if priors is None or scenario is None
            else Sampling(Design(), _every(scenario, priors))
        )
    samples = _samples(problems, kind, table.get("samples"))
    names = _sampled_names(problems, table, scenario, held, priors)
    if samples is None or names is None or priors is None or scenario is None:
        return None
    chosen = tuple(priors.get(name) or scenario.parameters[name].prior for name in names)
    assert all(chosen)  # _sampled_names checked that each has a prior
    design = Design(kind, samples, names, tuple(p for p in chosen if p is not None))
    return Sampling(design, _every(scenario, priors))


def _every(scenario: Scenario, overrides: Mapping[str, Prior]) -> dict[str, Prior]:
    out = {n: p.prior for n, p in scenario.parameters.items() if p.prior is not None}
    return {**out, **overrides}


def _priors(problems: Problems, given: Any, scenario: Scenario | None) -> dict[str, Prior] | None:
    """``[priors]``: parameter -> prior text, each parsed against the parameter's range."""
    table = problems.table(given, "priors", free_keys=True)
    if table is None:
        return None
    out: dict[str, Prior] = {}
    count = len(problems.problems)
    for name, text in table.items():
        where = join("priors", name)
        if scenario is None or not problems.known(name, scenario.parameters, where, "parameter"):
            continue
        parameter = scenario.parameters[name]
        prior = parse_prior(text, parameter.low, parameter.high)
        if isinstance(prior, str):
            problems.add(where, prior)
        else:
            out[name] = prior
    return out if len(problems.problems) == count else None


def _samples(problems: Problems, kind: str, given: Any) -> int | None:
    if given is None:
        problems.add("design.samples", f"missing: how many rows a {kind!r} design draws")
        return None
    samples = problems.whole(given, "design.samples", low=1, high=MAX_SAMPLES)
    if samples is None or kind not in ("sobol", "saltelli") or samples & (samples - 1) == 0:
        return samples
    below = 1 << (samples.bit_length() - 1)
    problems.add(
        "design.samples",
        f"a {kind!r} design needs a power of two, got {samples} (try {below} or {2 * below})",
    )
    return None


def _sampled_names(
    problems: Problems,
    table: Mapping[str, Any],
    scenario: Scenario | None,
    held: tuple[str, ...],
    priors: Mapping[str, Prior] | None,
) -> tuple[str, ...] | None:
    """``sample = [...]``, or every parameter with a prior that is neither swept nor fixed."""
    if scenario is None or priors is None:
        return None

    def prior_of(name: str) -> Prior | None:
        return priors.get(name) or scenario.parameters[name].prior

    if "sample" not in table:
        every = tuple(n for n in scenario.parameters if n not in held and prior_of(n) is not None)
        if not every:
            problems.add(
                "design",
                "nothing to sample: no parameter that is neither swept nor "
                "fixed has a prior (give one in [priors])",
            )
            return None
        return every
    names = problems.names(
        table["sample"], "design.sample", tuple(scenario.parameters), "parameter"
    )
    if names is None:
        return None
    count = len(problems.problems)
    for k, name in enumerate(names):
        where = join("design.sample", k)
        if name in held:
            problems.add(
                where, f"{name!r} is swept or fixed by this experiment: it cannot also be sampled"
            )
        elif prior_of(name) is None:
            problems.add(where, f"{name!r} has no prior: give one in [priors] or in the scenario")
    return names if len(problems.problems) == count else None
