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

from generator.input.load import SLUG, Catalog, ProjectPaths
from generator.input.problems import Problems, display_path

SKIPPED = "Note: {reason}; skipped the check that deleted or renamed incidents keep their addresses."


def check_kept_addresses(paths: ProjectPaths, catalog: Catalog) -> tuple[Problems, str | None]:
    """Problems for published incidents whose address would break, and a note when the check was skipped or partial."""
    problems = Problems()
    folder = paths.incidents_dir
    shown = display_path(folder, paths.root) + "/"
    ok, top = _git(folder, "rev-parse", "--show-toplevel")
    if not ok:
        if "not a git repository" in top or top == "git is not installed":
            reason = f"{shown} is not in a git repository" if top != "git is not installed" else "git is not installed"
        else:
            reason = f"git cannot read {shown} ({top})"
        return problems, SKIPPED.format(reason=reason)
    if not _git(folder, "rev-parse", "--verify", "--quiet", "HEAD")[0]:
        return problems, None  # no commit yet: nothing was ever published
    root = Path(top.strip()).resolve()
    ok, listing = _git(
        root, "-c", "core.quotepath=off", "log", "HEAD", "--no-renames",
        "--diff-filter=AD", "--pretty=format:", "--name-only", "--", str(folder),
    )
    if not ok:
        return problems, SKIPPED.format(reason=f"git cannot read the history of {shown} ({listing})")
    kept = set(catalog.sources) | {alias for incident in catalog.incidents for alias in incident.aliases}
    seen: set[str] = set()
    for line in listing.splitlines():
        if not line.strip():
            continue
        path = root / line
        slug = path.stem
        if path.parent.resolve() != folder.resolve() or path.suffix != ".yaml" or not SLUG.fullmatch(slug):
            continue
        if slug in seen or slug in kept or path.exists():
            continue
        seen.add(slug)
        problems.add(
            display_path(path, paths.root), 1, 1,
            f"this published incident was deleted or renamed; its address /incidents/{slug}/ must keep working: "
            f"add '- {slug}' under aliases: in the file that replaced it (or restore the file)",
        )
    note = None
    if _git(root, "rev-parse", "--is-shallow-repository")[1].strip() == "true":
        # CI often clones one commit deep: older deletions are invisible there.
        note = "Note: this is a shallow git clone; only the history it holds was checked for deleted or renamed incidents (fetch with --unshallow for all of it)."
    return problems, note


def _git(where: Path, *args: str) -> tuple[bool, str]:
    """(True, output) when git succeeded, else (False, git's first error line)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=where, capture_output=True, text=True, encoding="utf-8", timeout=60,
        )
    except FileNotFoundError:
        return False, "git is not installed"
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if result.returncode != 0:
        return False, (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[0].removeprefix("fatal: ")
    return True, result.stdout
