"""iki-extract: IKI/IKU decrees (Keputusan on Indikator Kinerja) to JSON and tables.

Public API (imported lazily, so ``import iki_extract.model`` stays light)::

    extract(path_or_paths, *, password=None, skip_errors=False) -> list[Decree]
    to_frames(decrees) -> dict[str, pandas.DataFrame]
    extract_to(paths, out_dir, *, password=None, on_file=None) -> RunSummary
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Decree",
    "ExtractError",
    "InputError",
    "RunSummary",
    "extract",
    "extract_to",
    "to_frames",
]

if TYPE_CHECKING:
    from .api import RunSummary, extract, extract_to, to_frames
    from .errors import ExtractError, InputError
    from .model import Decree

_LAZY = {
    "extract": "api",
    "extract_to": "api",
    "to_frames": "api",
    "RunSummary": "api",
    "ExtractError": "errors",
    "InputError": "errors",
    "Decree": "model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
