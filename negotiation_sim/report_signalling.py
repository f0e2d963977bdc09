"""The report of a signalling format: its perfect Bayesian equilibria and what they mean.

For every equilibrium in pure strategies: what each sender type chooses, how the receiver
replies to each choice, the receiver's beliefs on the path (Bayes' rule) and the off-path
beliefs that support its replies, whether it pools or separates, the intuitive criterion's
verdict with its reason, the probability of each outcome and every actor's ex-ante payoff.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import Scenario
    from .scenario.signalling_format import FormatSignalling
    from .signalling import PerfectBayesianEquilibrium, SignallingGame

__all__ = ["signalling_report", "signalling_summary"]


def signalling_summary(
    scenario: Scenario,
    game: SignallingGame,
    equilibria: tuple[PerfectBayesianEquilibrium, ...],
    reach: FormatSignalling,
) -> dict[str, Any]:
    """The equilibria as plain data (``solve --json``).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> from negotiation_sim.scenario.signalling_format import format_signalling
    >>> from negotiation_sim.signalling import perfect_bayesian_equilibria
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> game = signal.signalling_game()
    >>> reach = format_signalling(signal, None, signal.values())
    >>> data = signalling_summary(signal, game, perfect_bayesian_equilibria(game), reach)
    >>> separating = data["equilibria"][1]
    >>> separating["sender"], separating["receiver"], separating["intuitive"]
    ({'security_seeker': 'accept', 'expansionist': 'refuse'}, {'refuse': 'hold', 'accept': 'deal'}, True)
    >>> separating["outcomes"]
    {'no_deal': 0.7, 'verified_deal': 0.3}
    """
    from .scenario.signalling_format import play_out
    from .signalling import intuitive_criterion

    found = []
    for equilibrium in equilibria:
        played = play_out(
            reach, 0, equilibrium.message, equilibrium.response, len(scenario.outcome_ids)
        )
        verdict = intuitive_criterion(game, equilibrium, tol=equilibrium.tol)
        found.append(
            {
                "kind": equilibrium.kind,
                "sender": {
                    game.types[t]: game.messages[m]
                    for t, m in enumerate(equilibrium.message)
                    if t in game.support
                },
                "receiver": {
                    game.messages[m]: game.responses[r] for m, r in enumerate(equilibrium.response)
                },
                "beliefs": {  # P(type | message) on the path
                    game.messages[m]: dict(
                        zip(game.types, equilibrium.beliefs[m].round(12).tolist(), strict=True)
                    )
                    for m in equilibrium.on_path
                },
                "off_path": [s.describe(game) for s in equilibrium.off_path.values()],
                "intuitive": verdict.passes,
                "intuitive_reason": verdict.describe(game),
                "interim": dict(
                    zip(game.types, equilibrium.payoffs.round(12).tolist(), strict=True)
                ),
                "ex_ante": dict(
                    zip(scenario.actor_ids, played.ex_ante.round(12).tolist(), strict=True)
                ),
                "outcomes": {
                    o: round(float(p), 12)
                    for o, p in zip(scenario.outcome_ids, played.shares, strict=True)
                    if p > 0
                },
                "regret": equilibrium.regret,
            }
        )
    return {"sender": reach.sender, "receiver": reach.receiver, "equilibria": found}


def signalling_report(
    scenario: Scenario,
    params: Mapping[str, float],
    game: SignallingGame,
    equilibria: tuple[PerfectBayesianEquilibrium, ...],
    reach: FormatSignalling,
) -> str:
    """The report ``negotiation-sim solve`` prints for a signalling format.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> from negotiation_sim.scenario.signalling_format import format_signalling
    >>> from negotiation_sim.signalling import perfect_bayesian_equilibria
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> game = signal.signalling_game()
    >>> reach = format_signalling(signal, None, signal.values())
    >>> text = signalling_report(signal, {}, game, perfect_bayesian_equilibria(game), reach)
    >>> print("\\n".join(text.splitlines()[12:15]))
    2. separating: russia, if security_seeker: accept; if expansionist: refuse
       us: after refuse, hold; after accept, deal
       beliefs: after refuse P(security_seeker) = 0; after accept P(security_seeker) = 1
    """
    summary = signalling_summary(scenario, game, equilibria, reach)
    labels = {o: scenario.outcomes[o].label for o in scenario.outcome_ids}
    shown = ", ".join(f"{n}={float(v):g}" for n, v in scenario.values(params).items())
    prior = ", ".join(f"{t} {p:.3g}" for t, p in zip(game.types, game.prior, strict=True))
    sender, receiver = reach.sender, reach.receiver
    lines = [
        scenario.title,
        f"Parameters: {shown}",
        f"Types (prior): {sender}: {prior}",
        f"{sender} chooses; {receiver} sees the choice, not the type, infers the type by "
        "Bayes' rule and replies",
        f"Perfect Bayesian equilibria (pure): {len(equilibria)}; "
        f"passing the intuitive criterion: {sum(e['intuitive'] for e in summary['equilibria'])}",
    ]
    for k, data in enumerate(summary["equilibria"]):
        plays = "; ".join(f"if {t}: {m}" for t, m in data["sender"].items())
        replies = "; ".join(f"after {m}, {r}" for m, r in data["receiver"].items())
        beliefs = "; ".join(f"after {m} {_belief(b)}" for m, b in data["beliefs"].items())
        lines += [
            f"{k + 1}. {data['kind']}: {sender}, {plays}",
            f"   {receiver}: {replies}",
            f"   beliefs: {beliefs}",
        ]
        if data["off_path"]:
            lines.append(f"   off path: {'; '.join(data['off_path'])}")
        lines.append(f"   {data['intuitive_reason']}")
        interim = ", ".join(f"{t} {v:.3g}" for t, v in data["interim"].items())
        ex_ante = ", ".join(f"{a} {v:.3g}" for a, v in data["ex_ante"].items())
        outcomes = ", ".join(f"{labels[o]} {p:.1%}" for o, p in data["outcomes"].items())
        lines += [
            f"   {sender}'s interim payoffs: {interim}; ex-ante payoffs: {ex_ante}",
            f"   outcomes: {outcomes}",
        ]
    return "\n".join(lines)


def _belief(belief: Mapping[str, float]) -> str:
    """``P(seeker) = 0.3`` with two types, else every type's probability."""
    (first, p), *rest = belief.items()
    if len(rest) == 1:
        return f"P({first}) = {p:.3g}"
    return "P = " + ", ".join(f"{t} {v:.3g}" for t, v in belief.items())
