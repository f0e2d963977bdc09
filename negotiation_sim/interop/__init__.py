"""Interoperability with other game-theory software.

:mod:`negotiation_sim.interop.nfg` reads and writes Gambit's strategic-form ``.nfg`` files, in
pure Python (Gambit itself is not needed).
"""

from __future__ import annotations

from .nfg import (
    NfgFile,
    format_nfg,
    parse_nfg,
    parse_nfg_file,
    read_nfg,
    read_nfg_file,
    write_nfg,
)

__all__ = [
    "NfgFile",
    "format_nfg",
    "parse_nfg",
    "parse_nfg_file",
    "read_nfg",
    "read_nfg_file",
    "write_nfg",
]
