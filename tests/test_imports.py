"""Every import is a declared dependency: each module of iki_extract imports, ``pip check``
is clean, and every third-party package imported under ``iki_extract/`` is declared in
``pyproject.toml`` (so a package installed by hand can never hide a missing one)."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata as md
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import iki_extract

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "iki_extract"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(spec: str) -> tuple[str, set[str]]:
    """``"dask[distributed]>=2024"`` -> ``("dask", {"distributed"})``."""
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    assert m, spec
    extras = {e.strip() for e in (m.group(2) or "").split(",") if e.strip()}
    return _norm(m.group(1)), extras


def declared_distributions(*extras_wanted: str) -> set[str]:
    """The runtime dependencies (plus the named optional groups, e.g. ``"dev"``), with
    what their requested extras pull in."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in extras_wanted:
        specs += project.get("optional-dependencies", {}).get(group, [])
    names: set[str] = set()
    for spec in specs:
        name, extras = _requirement(spec)
        names.add(name)
        for extra in extras:
            for req in md.requires(name) or []:
                if re.search(r"extra\s*==\s*['\"]%s['\"]" % re.escape(extra), req):
                    names.add(_requirement(req)[0])
    return names


def third_party_imports(folder: Path = PACKAGE) -> dict[str, list[str]]:
    """Top-level names imported anywhere under ``folder`` -> files importing them."""
    local = {p.stem for p in folder.glob("*.py")}
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top in sys.stdlib_module_names or top in ("iki_extract", "__future__"):
                    continue
                if top in local:
                    continue
                found.setdefault(top, []).append(str(path.relative_to(REPO)))
    return found


def test_every_module_imports():
    names = {i.name for i in pkgutil.walk_packages(iki_extract.__path__, "iki_extract.")}
    # folders without __init__.py (namespace packages) are not walked: add them by file
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert "iki_extract.layout.decree" in names and len(names) > 40
    failed = {}
    for name in sorted(names):
        if name.endswith("__main__"):
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - report every module that does not import
            failed[name] = f"{type(exc).__name__}: {exc}"
    assert not failed, failed


def test_pip_check():
    run = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    if "No module named pip" in run.stderr:
        pytest.skip("pip is not installed in this environment")
    assert run.returncode == 0, run.stdout + run.stderr


def _undeclared(folder: Path, declared: set[str]) -> dict:
    providers = md.packages_distributions()
    undeclared = {}
    for top, files in third_party_imports(folder).items():
        dists = {_norm(d) for d in providers.get(top, [])}
        if not dists & declared:
            undeclared[top] = (sorted(dists) or ["not installed"], sorted(set(files))[:3])
    return undeclared


def test_every_third_party_import_is_declared():
    undeclared = _undeclared(PACKAGE, declared_distributions())
    assert not undeclared, f"imported but not declared in pyproject dependencies: {undeclared}"


def test_every_test_import_is_declared():
    undeclared = _undeclared(REPO / "tests", declared_distributions("dev"))
    assert not undeclared, f"tests import packages missing from dependencies/dev: {undeclared}"


def test_the_check_sees_a_missing_declaration():
    """The rule above is not vacuous: pytest is imported by tests only and not declared."""
    assert "pytest" not in declared_distributions()
    assert "pytest" in declared_distributions("dev")
    assert _norm(md.packages_distributions()["yaml"][0]) in declared_distributions()
