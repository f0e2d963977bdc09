"""Writing a picture: the project's output-file rule, atomic writes and the negotiation_sim mark.

:func:`picture_target` checks a picture file before anything is drawn (a format matplotlib
writes; the rule of :func:`negotiation_sim._files.check_output_file`: never an input, never a
file the project did not write unless ``overwrite``); :func:`write_picture` writes it through a
temporary file, so a full disk leaves the old picture (or none), never a torn one.

Pictures carry the mark :func:`negotiation_sim._files.written_by_us` looks for, in the
metadata of their format: PNG ``Software``; SVG, PDF, PS and EPS ``Creator``; the comment of
JPEG and GIF; TIFF's ``Software`` tag. The other formats matplotlib writes (WebP, AVIF, SVGZ,
PGF, raw RGBA) keep no mark, so replacing one of them needs ``overwrite``.
"""

from __future__ import annotations

from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._checking import suggest
from .._files import check_output_file, disk_error, signature, write_atomically
from ..errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from matplotlib.figure import Figure

#: The format of a picture file without a suffix.
DEFAULT_FORMAT = "png"
_TIFF_SOFTWARE = 305  # the TIFF tag "Software"


def picture_target(
    path: str | PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[str | PathLike[str]] = (),
) -> tuple[Path, str]:
    """The picture file ``path`` and its format, if the project may write it.

    Raises
    ------
    InputError
        Naming the file: a suffix naming no format matplotlib writes (with a did-you-mean
        hint), or a file the output-file rule refuses (see
        :func:`negotiation_sim._files.check_output_file`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> picture_target(folder / "map.svg")[1], picture_target(folder / "map")[1]
    ('svg', 'png')
    >>> picture_target(folder / "map.pgn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: .../map.pgn: matplotlib cannot write a 'pgn' picture (did you mean 'png'?); it writes ...
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = Path(path)
    known = sorted(FigureCanvasAgg.get_supported_filetypes())
    suffix = out.suffix[1:].lower()
    if suffix and suffix not in known:
        raise InputError.at(
            str(out),
            "",
            f"matplotlib cannot write a {suffix!r} picture{suggest(suffix, known)}; "
            f"it writes {', '.join(known)}",
        )
    return check_output_file(out, overwrite=overwrite, inputs=inputs), suffix or DEFAULT_FORMAT


def mark(format: str) -> dict[str, Any]:
    """The ``savefig`` arguments that put the negotiation_sim mark in a picture of ``format``.

    >>> mark("png") == {"metadata": {"Software": signature()}}
    True
    >>> mark("webp")
    {}
    """
    text = signature()
    if format == "png":
        return {"metadata": {"Software": text}}
    if format in ("svg", "pdf", "ps", "eps"):
        return {"metadata": {"Creator": text}}
    if format in ("jpg", "jpeg", "gif"):
        return {"pil_kwargs": {"comment": text}}
    if format in ("tif", "tiff"):
        return {"pil_kwargs": {"tiffinfo": {_TIFF_SOFTWARE: text}}}
    return {}


def write_picture(figure: Figure, out: Path, format: str, *, dpi: int) -> Path:
    """Write ``figure`` to ``out`` atomically, with the mark; a failed write names the file.

    ``out`` and ``format`` come from :func:`picture_target`. Returns ``out``.
    """
    try:
        write_atomically(
            out, lambda handle: figure.savefig(handle, format=format, dpi=dpi, **mark(format))
        )
    except OSError as exc:
        raise disk_error(out, exc) from None
    return out


@contextmanager
def naming(source: str | PathLike[str] | None) -> Iterator[None]:
    """Name the results file ``source`` in a problem found in its data (a problem already
    located in a file keeps its own; with no file, nothing changes).

    >>> try:
    ...     with naming("results/tv"):
    ...         raise InputError("", [])
    ... except InputError as error:
    ...     error.source
    'results/tv'
    """
    try:
        yield
    except InputError as error:
        if source is None or error.source:
            raise
        raise InputError(str(source), error.problems) from None
