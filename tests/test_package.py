"""Frankly as a company gets it: the wheel and sdist as PyPI would take them, installed
into a fresh virtualenv (not editable, not this checkout), `frankly init`, the new
site's own requirements installed from the vendored wheel, and the commands its README
gives run as written. Also this README's first command in a fresh copy of the repository.

Slow (fresh virtualenvs install real packages from the registry) but in `make test`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, free_port, wait_for

pytestmark = pytest.mark.slow

PIP_QUIET = ["--quiet", "--disable-pip-version-check"]


def _clean_env() -> dict[str, str]:
    """The environment of a new shell: nothing points at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_NO_COMPILE"] = "1"  # bytecode is compiled on first import anyway; saves a third of each install
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def _run(command: list[str] | str, cwd: Path, timeout: int = 600, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env=kwargs.pop("env", _clean_env()), shell=isinstance(command, str), **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _copy_sources(target_root: Path) -> None:
    """The files git tracks or would track (uncommitted work included), as a fresh clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        target = target_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_symlink():
            target.symlink_to(os.readlink(REPO / name))
        elif (REPO / name).is_file():  # deleted but not yet committed: gone
            shutil.copy2(REPO / name, target)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel built by PyPI's `build` from a clean copy of the tracked files."""
    source = tmp_path_factory.mktemp("source")
    _copy_sources(source)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)], source, env=os.environ.copy())
    return out


def test_the_wheel_and_sdist_pass_twine_check_and_hold_everything_the_program_needs(dist: Path):
    checked = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))], dist, env=os.environ.copy())
    assert checked.stdout.count("PASSED") == 2
    wheel = next(dist.glob("frankly-*-py3-none-any.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    package_data = {p.relative_to(REPO).as_posix() for folder in ("generator/outputs/templates", "generator/outputs/assets", "generator/editing/new_site")
                    for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "generator").rglob("*.py")}
    assert package_data <= names and modules <= names
    assert {"generator/outputs/assets/fonts/LICENSE", "generator/input/FORMAT.md", "generator/py.typed",
            "generator/editing/new_site/dot-github/workflows/status-site.yml"} <= names
    info = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(info).decode()
    assert "License-Expression: MIT" in metadata and "Requires-Python: >=3.11" in metadata
    assert "Classifier: Framework :: MkDocs" in metadata and "Requires-Dist: mkdocs==1.6.1" in metadata
    assert {n for n in names if "licenses/" in n} == {info.replace("METADATA", "licenses/LICENSE"),
                                                      info.replace("METADATA", "licenses/generator/outputs/assets/fonts/LICENSE")}
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "frankly = generator.cli:run" in entry_points and "frankly = generator.publication.plugin:FranklyPlugin" in entry_points


def _readme_commands(readme: str) -> list[str]:
    """The shell lines of a README's first ```sh block, without their comments."""
    block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_a_company_installs_the_wheel_inits_a_site_and_builds_it_with_the_vendored_wheel(dist: Path, tmp_path: Path, readme_build):
    wheel = next(dist.glob("frankly-*-py3-none-any.whl"))
    # Frankly's dependency ranges (not the lock) resolved against the package index, once;
    # both virtualenvs then install from these files with no index at all.
    wheelhouse = tmp_path / "wheelhouse"
    _run([sys.executable, "-m", "pip", "wheel", *PIP_QUIET, "--wheel-dir", str(wheelhouse), str(wheel)], tmp_path)  # sdists become wheels
    (wheelhouse / wheel.name).unlink()
    offline = {**_clean_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    tool = tmp_path / "tool"
    _run([sys.executable, "-m", "venv", str(tool)], tmp_path)
    _run([str(tool / "bin" / "pip"), "install", *PIP_QUIET, str(wheel)], tmp_path, env=offline)
    version = _run([str(tool / "bin" / "frankly"), "--version"], tmp_path)
    assert version.stdout == "frankly, version 0.1.0\n"
    where = _run([str(tool / "bin" / "python"), "-c", "import generator; print(generator.__file__)"], tmp_path)
    assert where.stdout.startswith(str(tool)) and "site-packages" in where.stdout  # the installed copy, not this checkout

    created = _run([str(tool / "bin" / "frankly"), "init", "acme-status"], tmp_path)
    assert "it installs Frankly from the wheel kept in vendor/" in created.stdout
    site = tmp_path / "acme-status"
    assert (site / "vendor" / wheel.name).read_bytes() == wheel.read_bytes()
    assert (site / "requirements.txt").read_text().splitlines()[-1] == f"./vendor/{wheel.name}"

    # The new site's README, as written: its own venv, installed from its requirements (the vendored wheel).
    commands = _readme_commands((site / "README.md").read_text(encoding="utf-8"))
    assert commands == ["python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
                        ".venv/bin/frankly check", ".venv/bin/frankly serve"]
    _run(commands[0].replace("pip install", "pip install --quiet --disable-pip-version-check"), site, env=offline)
    installed = _run([str(site / ".venv" / "bin" / "python"), "-c",
                      "from importlib.metadata import distribution; print(distribution('frankly').read_text('direct_url.json'))"], site)
    assert wheel.name in installed.stdout  # from the vendored file, no index has Frankly
    checked = _run(commands[1], site)
    assert checked.stdout == "OK: 1 entry and 2 components are valid.\n"
    assert "warning: base_url is still an example address (status.example.com)" in checked.stderr

    port = free_port()
    server = subprocess.Popen(commands[2].split() + ["-a", f"127.0.0.1:{port}"], cwd=site, env=_clean_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def home() -> str | None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    return response.read().decode()
            except OSError:
                return None
        page = wait_for(home, 120)
        assert "Example Status" in BeautifulSoup(page, "html.parser").title.get_text()
    finally:
        server.terminate()
        server.wait(30)

    built = _run([str(site / ".venv" / "bin" / "frankly"), "build"], site)
    assert "Built 1 entry into" in built.stdout and "nav" not in built.stderr  # every built page is in the navigation
    nav = BeautifulSoup((site / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    tabs = {a.get_text(" ", strip=True) for a in nav.select(".md-tabs__link")}
    assert {"Status", "History", "Components", "Subscribe", "Accountability", "About"} <= tabs

    doctor = _run([str(site / ".venv" / "bin" / "frankly"), "doctor"], site)
    assert re.search(r"^ok +Frankly +0\.1\.0, installed from .*/vendor/frankly-0\.1\.0-py3-none-any\.whl$", doctor.stdout, re.M)


@pytest.fixture(scope="module")
def readme_build(tmp_path_factory):
    """This README's first command, `make build`, started in a fresh copy as soon as a test
    asks for it: it installs a new .venv while the company's test installs its own, so the
    two slowest steps of this file overlap instead of adding up (pip waits on the disk and
    the index as much as on the CPU)."""
    copy = tmp_path_factory.mktemp("readme") / "frankly"
    _copy_sources(copy)
    first = _readme_commands((copy / "README.md").read_text(encoding="utf-8"))
    process = subprocess.Popen(first[0], cwd=copy, shell=True, env=_clean_env(), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield copy, first, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_this_readme_first_command_builds_the_demo_in_a_fresh_copy(readme_build):
    """`make build` on a copy of the tracked files: a new .venv, the pins, the demo in site/."""
    copy, first, process = readme_build
    assert first == ["make build", "make test"]
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output[-3000:]
    assert "Built 7 entries into" in output, output[-2000:]
    assert (copy / "site" / "incidents" / "2026-11-17-messaging-outage" / "index.html").is_file()
    version = _run([str(copy / ".venv" / "bin" / "frankly"), "--version"], copy)
    assert version.stdout == "frankly, version 0.1.0\n"
