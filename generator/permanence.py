"""Published addresses never break: every incident file ever committed must
still exist, or its slug must be listed under ``aliases:`` in a current file
(which gives the old address a redirect page).

Uses the git history of the incidents folder, through the ``git`` command:
every path that any commit reachable from HEAD ever added there. Renames
count as a deletion plus an addition (``--no-renames``), so a renamed file is
caught too. A file deleted in the working tree but not yet committed is
caught before it is committed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .load import SLUG, Catalog, ProjectPaths
from .problems import Problems, display_path

SKIPPED_NOT_GIT = (
    "Note: {folder} is not in a git repository; skipped the check that deleted or renamed incidents "
    "keep their addresses."
)


def check_kept_addresses(paths: ProjectPaths, catalog: Catalog) -> tuple[Problems, str | None]:
    """Problems for published incidents whose address would break, and a note when the check was skipped."""
    problems = Problems()
    folder = paths.incidents_dir
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return problems, SKIPPED_NOT_GIT.format(folder=display_path(folder, paths.root) + "/")
    if _git(folder, "rev-parse", "--verify", "--quiet", "HEAD") is None:
        return problems, None  # no commit yet: nothing was ever published
    listing = _git(
        Path(top.strip()), "-c", "core.quotepath=off", "log", "HEAD", "--no-renames",
        "--diff-filter=AD", "--pretty=format:", "--name-only", "--", str(folder),
    )
    if listing is None:
        return problems, "Note: git could not read the history of the incidents folder; skipped the check that deleted or renamed incidents keep their addresses."
    kept = set(catalog.sources) | {alias for incident in catalog.incidents for alias in incident.aliases}
    root = Path(top.strip()).resolve()
    seen: set[str] = set()
    for line in listing.splitlines():
        if not line.strip():
            continue
        path = root / line
        slug = path.stem
        if path.parent.resolve() != folder.resolve() or path.suffix != ".yaml" or not SLUG.match(slug):
            continue
        if slug in seen or slug in kept or path.exists():
            continue
        seen.add(slug)
        problems.add(
            display_path(path, paths.root), 1, 1,
            f"this published incident was deleted or renamed; its address /incidents/{slug}/ must keep working: "
            f"add '- {slug}' under aliases: in the file that replaced it (or restore the file)",
        )
    return problems, None


def _git(where: Path, *args: str) -> str | None:
    """git's output, or None when git is missing, ``where`` is not in a repository, or git fails."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=where, capture_output=True, text=True, encoding="utf-8", timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
