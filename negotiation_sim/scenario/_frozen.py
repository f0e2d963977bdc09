"""A read-only mapping that pickles, for everything a :class:`Scenario` holds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["FrozenMapping", "frozen_mapping"]

_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMapping(Mapping[_K, _V]):
    """A read-only mapping that pickles (``types.MappingProxyType`` does not).

    Scenarios travel to worker processes pickled, so every mapping they hold is one of these.

    >>> import pickle
    >>> frozen = FrozenMapping({"a": 1})
    >>> pickle.loads(pickle.dumps(frozen)) == {"a": 1}, frozen["a"]
    (True, 1)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[_K, _V]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: _K) -> _V:
        return self._items[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_K, _V]], tuple[dict[_K, _V]]]:
        return FrozenMapping, (self._items,)


def frozen_mapping(items: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy (picklable)."""
    return FrozenMapping(items)
