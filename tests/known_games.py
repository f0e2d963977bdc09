"""Games from the literature with their equilibria, each with its source.

For two-actor games ``extreme`` lists *all* extreme equilibria (what
``vertex_enumeration`` and Gambit's ``enummixed`` return); for n-actor games
``pure`` lists all pure equilibria and ``extreme`` what else is known. Values
are exact fractions written out, derived in the cited source or by hand from
the indifference conditions (the derivation is in the comment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction as F

import numpy as np
from numpy.typing import ArrayLike

from negotiation_sim import Game, SolverResult
from negotiation_sim.bayesian import BayesianGame
from negotiation_sim.signalling import SignallingGame

Profile = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class KnownGame:
    name: str
    game: Game
    source: str
    extreme: tuple[Profile, ...] = ()  # all extreme equilibria (two actors) or known mixed ones
    pure: tuple[tuple[int, ...], ...] = ()  # all pure equilibria
    value: float | None = None  # value to the row actor, zero-sum games only
    degenerate: bool = False
    complete: bool = True  # whether ``extreme`` is the complete set of extreme equilibria
    notes: str = field(default="")


def _p(*vectors: tuple[object, ...]) -> Profile:
    return tuple(tuple(float(F(str(v))) for v in vector) for vector in vectors)


def _bi(a: list[list[float]], b: list[list[float]]) -> Game:
    return Game.from_bimatrix(a, b)


def _jordan() -> Game:
    # Actor 1 wants to match actor 2, actor 2 to match actor 3, actor 3 to mismatch actor 1.
    u = np.zeros((3, 2, 2, 2))
    for s in np.ndindex(2, 2, 2):
        u[(0, *s)] = 1 if s[0] == s[1] else -1
        u[(1, *s)] = 1 if s[1] == s[2] else -1
        u[(2, *s)] = 1 if s[2] != s[0] else -1
    return Game(u)


def _volunteer(n: int, benefit: float = 1.0, cost: float = 0.5) -> Game:
    # Option 0 = volunteer (pays cost, public good provided), 1 = wait.
    u = np.zeros((n, *([2] * n)))
    for s in np.ndindex(*([2] * n)):
        provided = 0 in s
        for i in range(n):
            u[(i, *s)] = benefit * provided - cost * (s[i] == 0)
    return Game(u)


def _minimum_effort(n: int, efforts: int = 3) -> Game:
    # u_i = 2 min_j e_j - e_i, efforts 1..k: coordinating on any common effort is an equilibrium.
    u = np.zeros((n, *([efforts] * n)))
    for s in np.ndindex(*([efforts] * n)):
        low = min(s) + 1
        for i in range(n):
            u[(i, *s)] = 2 * low - (s[i] + 1)
    return Game(u)


KNOWN: tuple[KnownGame, ...] = (
    KnownGame(
        "prisoners_dilemma",
        _bi([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
        "Axelrod (1984), The Evolution of Cooperation: R=3, S=0, T=5, P=1",
        extreme=(_p((0, 1), (0, 1)),),
        pure=((1, 1),),
    ),
    KnownGame(
        "matching_pennies",
        Game.zero_sum([[1, -1], [-1, 1]]),
        "von Neumann & Morgenstern (1944); Osborne & Rubinstein (1994), A Course in Game Theory, Ex. 17.1",
        extreme=(_p(("1/2", "1/2"), ("1/2", "1/2")),),
        value=0.0,
    ),
    KnownGame(
        "battle_of_the_sexes",
        _bi([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
        "Luce & Raiffa (1957), Games and Decisions, §5.3; mixed: column indifferent iff x=(2/3,1/3)",
        extreme=(_p((1, 0), (1, 0)), _p(("2/3", "1/3"), ("1/3", "2/3")), _p((0, 1), (0, 1))),
        pure=((0, 0), (1, 1)),
    ),
    KnownGame(
        "stag_hunt",
        _bi([[4, 0], [3, 3]], [[4, 3], [0, 3]]),
        "Skyrms (2004), The Stag Hunt; mixed: 4y = 3 gives y=(3/4,1/4)",
        extreme=(_p((1, 0), (1, 0)), _p(("3/4", "1/4"), ("3/4", "1/4")), _p((0, 1), (0, 1))),
        pure=((0, 0), (1, 1)),
    ),
    KnownGame(
        "chicken",
        _bi([[0, -1], [1, -10]], [[0, 1], [-1, -10]]),
        "Rapoport & Chammah (1966), 'The game of chicken'; mixed: -y2 = y1 - 10 y2 gives y=(9/10,1/10)",
        extreme=(_p((0, 1), (1, 0)), _p(("9/10", "1/10"), ("9/10", "1/10")), _p((1, 0), (0, 1))),
        pure=((0, 1), (1, 0)),
    ),
    KnownGame(
        "rock_paper_scissors",
        Game.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]),
        "Osborne & Rubinstein (1994), A Course in Game Theory, Ex. 33.1 (symmetric zero-sum: value 0)",
        extreme=(_p(("1/3", "1/3", "1/3"), ("1/3", "1/3", "1/3")),),
        value=0.0,
    ),
    KnownGame(
        "zero_sum_2x2",
        Game.zero_sum([[2, -1], [-1, 1]]),
        "Maschler, Solan & Zamir (2013), Game Theory, §5.2.2: v=(ad-bc)/(a+d-b-c)=1/5, x1=(d-c)/(a+d-b-c)",
        extreme=(_p(("2/5", "3/5"), ("2/5", "3/5")),),
        value=0.2,
    ),
    KnownGame(
        "von_stengel_3x2",
        _bi([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]),
        "von Stengel (2007), 'Equilibrium computation for two-player games', in Nisan et al., "
        "Algorithmic Game Theory, ch. 3, Fig. 3.1: three equilibria",
        extreme=(
            _p((1, 0, 0), (1, 0)),
            _p(("4/5", "1/5", 0), ("2/3", "1/3")),
            _p((0, "1/3", "2/3"), ("1/3", "2/3")),
        ),
        pure=((0, 0),),
    ),
    KnownGame(
        "von_stengel_3x2_degenerate",
        _bi([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]),
        "von Stengel (2007), Algorithmic Game Theory ch. 3, §3.3 degenerate variant: top row has two "
        "best replies; component x=(1,0,0), y in [(1,0), (2/3,1/3)] (row 1 best iff y2 <= 1/3)",
        extreme=(
            _p((1, 0, 0), (1, 0)),
            _p((1, 0, 0), ("2/3", "1/3")),
            _p((0, "1/3", "2/3"), ("1/3", "2/3")),
        ),
        pure=((0, 0),),
        degenerate=True,
    ),
    KnownGame(
        "continuum",
        _bi([[1, 1], [0, 0]], [[0, 0], [0, 0]]),
        "By hand: row's top option strictly dominates, column is indifferent, so x=(1,0) with any y; "
        "the extreme equilibria are the two ends of that segment",
        extreme=(_p((1, 0), (1, 0)), _p((1, 0), (0, 1))),
        pure=((0, 0), (0, 1)),
        degenerate=True,
    ),
    KnownGame(
        "all_zero",
        _bi([[0, 0], [0, 0]], [[0, 0], [0, 0]]),
        "By hand: every profile is an equilibrium; the extreme ones are the four pure profiles",
        extreme=(_p((1, 0), (1, 0)), _p((1, 0), (0, 1)), _p((0, 1), (1, 0)), _p((0, 1), (0, 1))),
        pure=((0, 0), (0, 1), (1, 0), (1, 1)),
        degenerate=True,
    ),
    KnownGame(
        "jordan_matching_pennies",
        _jordan(),
        "Jordan (1993), 'Three problems in learning mixed-strategy Nash equilibria', GEB 5: "
        "unique equilibrium, everyone mixes (1/2, 1/2)",
        extreme=(_p(("1/2", "1/2"), ("1/2", "1/2"), ("1/2", "1/2")),),
    ),
    KnownGame(
        "volunteers_dilemma_3",
        _volunteer(3),
        "Diekmann (1985), 'Volunteer's dilemma', J. Conflict Resolution 29: the pure equilibria are "
        "the profiles with exactly one volunteer; symmetric mixed: P(wait) = (c/b)^(1/(n-1))",
        extreme=(tuple((1 - 0.5**0.5, 0.5**0.5) for _ in range(3)),),
        pure=((0, 1, 1), (1, 0, 1), (1, 1, 0)),
        complete=False,
    ),
    KnownGame(
        "volunteers_dilemma_4",
        _volunteer(4),
        "Diekmann (1985), as above with n = 4",
        extreme=(tuple((1 - 0.5 ** (1 / 3), 0.5 ** (1 / 3)) for _ in range(4)),),
        pure=((0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0)),
        complete=False,
    ),
    KnownGame(
        "minimum_effort_3",
        _minimum_effort(3),
        "Van Huyck, Battalio & Beil (1990), AER 80: every common effort level is an equilibrium",
        pure=((0, 0, 0), (1, 1, 1), (2, 2, 2)),
        complete=False,
    ),
)

TWO_ACTOR = tuple(k for k in KNOWN if k.game.n_actors == 2)
N_ACTOR = tuple(k for k in KNOWN if k.game.n_actors > 2)
ZERO_SUM = tuple(k for k in KNOWN if k.value is not None)


#: A mixed profile to compare: one probability vector per actor, as floats or arrays.
Comparable = Sequence[ArrayLike]


def close(a: Comparable, b: Comparable, tol: float = 1e-6) -> bool:
    """Whether two mixed profiles are equal within ``tol``, actor by actor."""
    return all(np.allclose(x, y, atol=tol, rtol=0) for x, y in zip(a, b, strict=True))


def subset(mine: Sequence[Comparable], theirs: Sequence[Comparable], tol: float = 1e-6) -> bool:
    """Whether every profile of ``mine`` is one of ``theirs``, within ``tol``."""
    return all(any(close(p, q, tol) for q in theirs) for p in mine)


def same_profile_sets(
    found: Sequence[Comparable], expected: Sequence[Comparable], tol: float = 1e-6
) -> bool:
    """Whether two collections of mixed profiles are equal as sets, within ``tol``."""
    return subset(found, expected, tol) and subset(expected, found, tol)


def found(result: SolverResult) -> list[Profile]:
    """The strategies of a result's equilibria, for set comparisons."""
    return [tuple(tuple(float(v) for v in s) for s in eq.strategies) for eq in result.equilibria]


def pure_profiles(result: SolverResult) -> list[tuple[int, ...]]:
    """The profiles of a result's equilibria, which must all be pure."""
    profiles = []
    for eq in result.equilibria:
        assert eq.profile is not None, f"not a pure equilibrium: {eq.strategies}"
        profiles.append(eq.profile)
    return profiles


def is_degenerate(result: SolverResult) -> bool:
    """Whether a solver flagged the game as degenerate."""
    return any(w.startswith("degenerate game") for w in result.warnings)


# -- Bayesian games ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownBayesianGame:
    """A Bayesian game from the literature with all its pure Bayes–Nash equilibria.

    ``pure`` lists agent profiles of the agent normal form: one option per (actor, type),
    actor-major (actor 0's types first).
    """

    name: str
    game: BayesianGame
    source: str
    pure: tuple[tuple[int, ...], ...]
    notes: str = field(default="")


def _osborne_bos(meet: float) -> BayesianGame:
    """BoS where player 2 wishes to meet player 1 with probability ``meet``, else to avoid.

    Options 0 = B (Bach), 1 = S (Stravinsky). Player 1 is untyped; player 2's types are
    "meet" and "avoid".
    """
    u = np.zeros((2, 1, 2, 2, 2))
    u[0, 0, :] = [[2, 0], [0, 1]]  # player 1 wants to meet, prefers B, whoever player 2 is
    u[1, 0, 0] = [[1, 0], [0, 2]]  # "meet": meet, prefers S
    u[1, 0, 1] = [[0, 2], [1, 0]]  # "avoid": avoid player 1, prefers S
    return BayesianGame(
        u,
        [[meet, 1 - meet]],
        actors=("player 1", "player 2"),
        types=(("-",), ("meet", "avoid")),
        options=(("B", "S"), ("B", "S")),
    )


KNOWN_BAYESIAN: tuple[KnownBayesianGame, ...] = (
    KnownBayesianGame(
        "osborne_bos_uncertain_preferences",
        _osborne_bos(0.5),
        "Osborne (2004), An Introduction to Game Theory, §9.2: BoS in which player 1 does "
        "not know whether player 2 wishes to meet her (probability 1/2); the unique pure "
        "Nash equilibrium is (B, (B, S))",
        pure=((0, 0, 1),),
    ),
    KnownBayesianGame(
        "osborne_bos_likely_meet",
        _osborne_bos(0.75),
        "Osborne (2004), §9.2 with P(meet) = 3/4, by hand: (B, (B, S)) needs "
        "2 p >= 1 - p (p >= 1/3); (S, (S, B)) needs p >= 2 (1 - p) (p >= 2/3); player 2's "
        "types always best-reply to player 1's pure option, so no other profile",
        pure=((0, 0, 1), (1, 1, 0)),
    ),
)


# -- signalling games (a typed sender, then a receiver) ---------------------------------------


@dataclass(frozen=True)
class KnownSignallingGame:
    name: str
    game: SignallingGame
    source: str
    pbe: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # all pure PBE: (message, response)
    intuitive: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # those passing Cho–Kreps
    notes: str = field(default="")


def beer_quiche_game(strong: float = 0.9) -> SignallingGame:
    # Types (strong, weak), messages (beer, quiche), responses (duel, not). The sender gets 1
    # for its preferred breakfast (strong: beer, weak: quiche) plus 2 if not duelled; the
    # receiver gets 1 for duelling the weak or leaving the strong alone, else 0.
    sender = [
        [[1, 3], [0, 2]],  # strong: beer (duel, not), quiche (duel, not)
        [[0, 2], [1, 3]],  # weak
    ]
    receiver = [
        [[0, 1], [0, 1]],  # strong: not duelling pays
        [[1, 0], [1, 0]],  # weak: duelling pays
    ]
    return SignallingGame(
        [strong, 1 - strong],
        sender,
        receiver,
        types=("strong", "weak"),
        messages=("beer", "quiche"),
        responses=("duel", "not"),
    )


def kydd_verification_game(
    trust: float, cost_seeker: float, cost_expansionist: float, gain: float = 1.0
) -> SignallingGame:
    # Kydd (2005, ch. 7): a sender, a security seeker with probability ``trust`` or else an
    # expansionist, refuses (0) or accepts (1) intrusive verification, which costs the
    # security seeker ``cost_seeker`` and the expansionist more (it exposes its plans); the
    # receiver then does not cooperate (0) or cooperates (1). Both types gain ``gain`` from
    # being trusted; the receiver gets 1 from cooperating with a security seeker, -1 from
    # cooperating with an expansionist, 0 from not cooperating: it trusts iff P(seeker) >= 1/2.
    sender = np.zeros((2, 2, 2))
    for t, cost in enumerate((cost_seeker, cost_expansionist)):
        for m, r in np.ndindex(2, 2):
            sender[t, m, r] = gain * r - cost * m
    receiver = np.zeros((2, 2, 2))
    receiver[0, :, 1] = 1.0
    receiver[1, :, 1] = -1.0
    return SignallingGame(
        [trust, 1 - trust],
        sender,
        receiver,
        types=("security_seeker", "expansionist"),
        messages=("refuse", "accept"),
        responses=("no_trust", "cooperate"),
    )


KNOWN_SIGNALLING: tuple[KnownSignallingGame, ...] = (
    KnownSignallingGame(
        "beer_quiche",
        beer_quiche_game(),
        "Cho & Kreps (1987), QJE 102, section II; Fudenberg & Tirole (1991), Game Theory, 8.2",
        # Beer-pooling (not after beer, duel after quiche: P(weak | quiche) >= 1/2) and
        # quiche-pooling (duel after beer: P(weak | beer) >= 1/2, not after quiche). Separating
        # fails: whichever message the weak type sends is duelled, so it mimics the strong one.
        pbe=(((0, 0), (1, 0)), ((1, 1), (0, 1))),
        # Quiche-pooling: beer is dominated for weak (2 < 3), and a strong type known to be
        # strong gets 3 > 2 from beer; beer-pooling: quiche is dominated for strong (2 < 3), and
        # weak, duelled, gets 1 < 2.
        intuitive=(((0, 0), (1, 0)),),
    ),
    KnownSignallingGame(
        "kydd_verification_separating",
        kydd_verification_game(0.3, 0.5, 1.5),
        "Kydd (2005), Trust and Mistrust in International Relations, ch. 7 (stylised)",
        # c_s = 0.5 <= gain 1 <= c_e = 1.5: the seeker accepts and is trusted, the expansionist
        # refuses and is not. Trust 0.3 < 1/2: also pooling on refusal, not trusted, with
        # no_trust after acceptance (cooperating after it would draw the seeker: 1 - 0.5 > 0).
        pbe=(((0, 0), (0, 0)), ((1, 0), (0, 1))),
        # Pooling on refusal fails: acceptance is dominated for the expansionist (1 - 1.5 < 0)
        # and a seeker known as such gains 1 - 0.5 > 0 from it.
        intuitive=(((1, 0), (0, 1)),),
    ),
)
