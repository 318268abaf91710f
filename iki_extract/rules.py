"""Load the vocabularies and rules kept as data under ``models/``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def models_dir() -> Path:
    """The ``models/`` directory (repo checkout or installed package data)."""
    try:  # the packaging helper knows installed layouts
        from .resources import models_dir as _md

        return _md()
    except ImportError:  # pragma: no cover - before resources.py exists
        return Path(__file__).resolve().parent.parent / "models"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Parse ``models/<name>`` (YAML) once."""
    with open(models_dir() / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def keywords() -> dict[str, Any]:
    return load("keywords.yaml")


def table_headers() -> dict[str, Any]:
    return load("table_headers.yaml")
