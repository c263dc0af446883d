"""A reader library failing on a file's bytes, as a coded error rather than `E008_internal`.

pdfminer, python-docx, lxml, zipfile, olefile and openpyxl parse whatever they are
given; on damaged bytes they raise whatever their code meets (a `KeyError` in a
font table, a `ValueError` on an external relationship, a `RuntimeError` on an
encrypted zip member). Each reader maps the damage it knows; what escapes it is
told apart here by where it was raised: inside a library's own code it is the
file's damage (`E011_corrupt`, naming the library and the exception), inside
the pipeline's it stays a bug (`E008_internal`). Memory and nesting past what a
reader can hold are `E014_too_large` wherever they happen.
"""
from __future__ import annotations

from types import TracebackType

from pipeline.errors import ExtractionError

# Top-level modules of the libraries the readers call, and the standard ones they use.
LIBRARY_MODULES = frozenset({"pdfminer", "pdfplumber", "pypdfium2", "docx", "lxml", "zipfile",
                             "zlib", "olefile", "openpyxl", "et_xmlfile", "xml", "PIL", "html5lib",
                             "cn2an", "struct", "codecs", "encodings"})


def library_failure(exc: BaseException) -> ExtractionError | None:
    """The coded error for an exception a reader let through, or None for a bug of ours."""
    if _caused_by(exc, MemoryError):
        return ExtractionError("E014_too_large", "reading it ran out of memory")
    if _caused_by(exc, RecursionError):
        return ExtractionError("E014_too_large", "it is nested deeper than the reader can follow "
                                                 f"({type(exc).__name__}: {exc})")
    library = raising_module(exc.__traceback__)
    if library in LIBRARY_MODULES:
        return ExtractionError("E011_corrupt", f"{library} failed on it: {type(exc).__name__}: {exc}")
    return None


def raising_module(traceback: TracebackType | None) -> str | None:
    """The top-level module whose code raised: the innermost frame's."""
    if traceback is None:
        return None
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    name = traceback.tb_frame.f_globals.get("__name__") or ""
    return name.split(".")[0] or None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """The exception, or one it was raised from or while handling (pdfplumber wraps them)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind) or any(isinstance(arg, kind) for arg in current.args):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
