"""Where the package's run-time resources live.

``models/`` (vocabularies, small models) sits at the repository top.  A source
checkout or ``pip install -e .`` finds it next to the package; a regular install
ships a copy under ``<prefix>/share/iki-extract/models`` (setuptools data-files).
The environment variable ``IKI_EXTRACT_MODELS`` overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def models_dir() -> Path:
    """Return the models folder (it may not exist when nothing was shipped)."""
    override = os.environ.get("IKI_EXTRACT_MODELS")
    if override:
        return Path(override)
    repo_models = _PACKAGE_DIR.parent / "models"
    if repo_models.is_dir():
        return repo_models
    installed = Path(sys.prefix) / "share" / "iki-extract" / "models"
    if installed.is_dir():
        return installed
    return repo_models


def data_dir() -> Path:
    """Return the package's own data folder (``iki_extract/data``)."""
    return _PACKAGE_DIR / "data"


def schema_path() -> Path:
    """Return ``decree.schema.json``: the package copy, else the shared spec beside the repo."""
    packaged = data_dir() / "decree.schema.json"
    if packaged.is_file():
        return packaged
    return _PACKAGE_DIR.parent.parent / "shared" / "spec" / "decree.schema.json"
