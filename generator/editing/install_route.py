"""How a new status site installs Frankly: the line `frankly init` writes into its
requirements.txt (which its CI installs too).

Three routes, because no package index may have Frankly yet:

- ``index``: ``frankly==VERSION`` from PyPI or the company's own index;
- ``vendor``: the wheel itself, kept in the new repository's ``vendor/`` folder and
  installed by its path: works offline and today, and is upgraded by replacing
  the file in a pull request;
- a ``git+https://…@REV`` URL: the source at a pinned commit or tag.

By default ``init`` takes the route Frankly itself was installed by (PEP 610's
``direct_url.json``): from an index → ``index``; from a wheel file, a source
checkout or an editable install → ``vendor`` (the wheel is copied, or built from
the checkout); from git → that URL at the commit it was installed from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.editing.values import EditError

VENDOR = "vendor"
ROUTES = ("index", "vendor")


@dataclass(frozen=True)
class InstallRoute:
    """What requirements.txt says, and the wheel to copy into vendor/ (``vendor`` only)."""

    kind: str  # index | vendor | git
    requirement: str
    wheel: Path | None = None
    explanation: str = ""


def version() -> str:
    try:
        return metadata.version("frankly")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0.1.0"


def choose(given: str | None) -> InstallRoute:
    """The route for ``--install-from`` (None: the way this Frankly was installed)."""
    if given is None:
        return _as_installed()
    if given == "index":
        return InstallRoute("index", f"frankly=={version()}", explanation="from the package index")
    if given == "vendor":
        return _vendored(_this_wheel())
    if given.startswith("git+"):
        if "@" not in urlsplit(given).path:
            raise EditError(f"--install-from {given}: pin a commit or tag, e.g. {given}@v{version()}, "
                            "so every build of the site uses the same Frankly")
        return InstallRoute("git", f"frankly @ {given}", explanation="from the git repository, at a pinned revision")
    wheel = Path(given)
    if given.endswith(".whl") and wheel.is_file():
        return _vendored(wheel)
    raise EditError(f"--install-from {given}: say index, vendor, a git+https://…@REV URL or the path of a Frankly .whl file")


def _vendored(wheel: Path) -> InstallRoute:
    return InstallRoute("vendor", f"./{VENDOR}/{wheel.name}", wheel,
                        explanation=f"from the wheel kept in {VENDOR}/ (no package index needs to have Frankly)")


def _direct_url() -> dict | None:
    """PEP 610's record of where the installed Frankly came from (None: an index).
    Only a real installation counts (a ``.dist-info``): the ``frankly.egg-info`` a
    setuptools build leaves in a checkout is found first when the checkout is on
    ``sys.path``, and says nothing about how Frankly was installed."""
    for dist in metadata.distributions(name="frankly"):
        if str(getattr(dist, "_path", "")).endswith(".dist-info"):
            text = dist.read_text("direct_url.json")
            return json.loads(text) if text else None
    return {"url": Path(__file__).resolve().parents[2].as_uri(), "dir_info": {}}  # a bare source tree


def _as_installed() -> InstallRoute:
    direct = _direct_url()
    if direct is None:  # installed from an index: the same version is there for the new site too
        return InstallRoute("index", f"frankly=={version()}", explanation="from the package index Frankly came from")
    vcs = direct.get("vcs_info")
    if vcs:
        return InstallRoute("git", f"frankly @ {vcs.get('vcs', 'git')}+{direct['url']}@{vcs['commit_id']}",
                            explanation="from the git repository Frankly was installed from, at the same commit")
    return _vendored(_this_wheel())


def installed_from() -> str:
    """Where the running Frankly came from, in words (for `frankly doctor`)."""
    direct = _direct_url()
    if direct is None:
        return "installed from a package index"
    if direct.get("vcs_info"):
        return f"installed from {direct['url']} at {direct['vcs_info'].get('commit_id', '?')[:12]}"
    if direct.get("dir_info", {}).get("editable"):
        return f"an editable install of {unquote(urlsplit(direct['url']).path)}"
    return f"installed from {unquote(urlsplit(direct.get('url', '')).path) or 'a local file'}"


def _this_wheel() -> Path:
    """A wheel of the running Frankly: the file it was installed from, or built from its checkout."""
    direct = _direct_url() or {}
    url = direct.get("url", "")
    local = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else None
    if local is not None and local.suffix == ".whl" and local.is_file():
        return local
    if local is not None and local.is_dir() and (local / "pyproject.toml").is_file():
        return _build_wheel(local)
    raise EditError(
        "cannot find the wheel this Frankly was installed from "
        f"({url or 'installed from a package index'}); give --install-from index, a git+https://…@REV URL, "
        "or the path of a Frankly .whl file"
    )


def _build_wheel(checkout: Path) -> Path:
    """Build the wheel of a source checkout with PyPI's `build` (offline: no isolated environment)."""
    out = Path(tempfile.mkdtemp(prefix="frankly-wheel-"))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(checkout)],
            capture_output=True, text=True, timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise EditError(f"could not build Frankly's wheel from {checkout}: {exc}") from None
    wheels = sorted(out.glob("frankly-*.whl"))
    if result.returncode != 0 or not wheels:
        last = (result.stderr.strip().splitlines() or ["no wheel was written"])[-1]
        hint = " (install PyPI's build and setuptools: pip install build setuptools)" if "No module named build" in result.stderr else ""
        raise EditError(f"could not build Frankly's wheel from {checkout}: {last}{hint}; or give --install-from index")
    return wheels[-1]


def place_wheel(route: InstallRoute, directory: Path) -> Path | None:
    """Copy the route's wheel into ``directory/vendor/``; the path written, if any."""
    if route.wheel is None:
        return None
    target = directory / VENDOR / route.wheel.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(route.wheel, target)
    return target
