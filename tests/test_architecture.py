"""The package's layers hold (ARCHITECTURE.md): import-linter's contracts in
pyproject.toml pass, and each kind of break makes them fail with a message
that names the offending import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
#: A module longer than this holds more than one job: split it (ARCHITECTURE.md).
MODULE_LINES_LIMIT = 420


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's own command on the package found first from ``root``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"},
    )


def test_the_contracts_of_the_repository_are_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """The package and its contracts, copied so that a test can break them."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_line(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "line", "contract", "named"),
    [
        # an upward import: the input layer reaching into the outputs
        ("input/problems.py", "from generator.outputs import urls", "The flow runs one way",
         "generator.input.problems -> generator.outputs.urls"),
        # the core reaching for mkdocs
        ("outputs/files.py", "import mkdocs", "imports no mkdocs", "generator.outputs.files -> mkdocs"),
        # an output importing the hub that lists the outputs
        ("outputs/feeds.py", "from generator.outputs import site", "the hub lists every output",
         "generator.outputs.feeds -> generator.outputs.site"),
        # two siblings importing each other (a cycle inside a subpackage)
        ("editing/values.py", "from generator.editing import plans", "No import cycles", "generator.editing"),
        # click outside the command line
        ("editing/entries.py", "import click", "Only the command line knows click", "generator.editing.entries -> click"),
    ],
)
def test_a_break_of_each_contract_fails_and_names_the_import(package_copy, module, line, contract, named):
    add_line(package_copy / "generator" / module, line)
    result = lint_imports(package_copy)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert named in " ".join(broken.split())


def test_no_module_holds_two_jobs():
    lengths = {p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
               for p in (REPO / "generator").rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > MODULE_LINES_LIMIT} == {}
