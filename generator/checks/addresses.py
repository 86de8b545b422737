"""Published addresses never break: every incident file ever committed must
still exist, or its slug must be listed under ``aliases:`` in a current file
(which gives the old address a redirect page).

Uses the git history of the incidents folder, through the ``git`` command:
every path that any commit reachable from HEAD ever added there. Renames
count as a deletion plus an addition (``--no-renames``), so a renamed file is
caught too. A file deleted in the working tree but not yet committed is
caught before it is committed.

Two settings bound the history: ``addresses_since`` in site.yaml names the
commit a site started from (a repository used as a template: the demo files
that commit held were never published by this site, so they may go), and in
CI (``CI`` or ``GITHUB_ACTIONS`` set to true) a shallow clone is an error,
not a note, because there the check would pass without looking.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.input.load import Catalog, ProjectPaths
from generator.input.meaning import SLUG
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
    shallow = _git(root, "rev-parse", "--is-shallow-repository")[1].strip() == "true"
    if shallow and in_ci():
        problems.add(
            shown, 1, 1,
            "this CI job runs in a shallow git clone, so deleted or renamed incidents cannot be seen and "
            "their broken addresses would pass unnoticed: clone the whole history (GitHub Actions: "
            "`with: fetch-depth: 0` on actions/checkout; other CI: `git fetch --unshallow` before frankly)",
        )
        return problems, None
    since = catalog.site.addresses_since
    revisions = ["HEAD"]
    if since:
        if not _git(root, "rev-parse", "--verify", "--quiet", since + "^{commit}")[0]:
            problems.add(
                display_path(paths.site_config, paths.root), 1, 1,
                f"addresses_since: {since} is not a commit of this repository's history "
                "(was the history rewritten?); set it to the commit this site started from, or remove it",
            )
            return problems, None
        revisions = [f"{since}..HEAD"]  # files added after the site started; the template's own files may go
    ok, listing = _git(
        root, "-c", "core.quotepath=off", "log", *revisions, "--no-renames",
        "--diff-filter=AD", "--pretty=format:", "--name-only", "--", str(folder),
    )
    if not ok:
        return problems, SKIPPED.format(reason=f"git cannot read the history of {shown} ({listing})")
    kept = set(catalog.sources) | {alias for incident in catalog.incidents for alias in incident.aliases}
    inherited = _files_at(root, since, folder) if since else set()
    seen: set[str] = set()
    for line in listing.splitlines():
        if not line.strip():
            continue
        path = root / line
        slug = path.stem
        if path.parent.resolve() != folder.resolve() or path.suffix != ".yaml" or not SLUG.fullmatch(slug):
            continue
        if slug in seen or slug in kept or path.exists() or slug in inherited:
            continue
        seen.add(slug)
        problems.add(
            display_path(path, paths.root), 1, 1,
            f"this published incident was deleted or renamed; its address /incidents/{slug}/ must keep working: "
            f"add '- {slug}' under aliases: in the file that replaced it (or restore the file)",
        )
    note = None
    if shallow:
        # CI often clones one commit deep: older deletions are invisible there.
        note = "Note: this is a shallow git clone; only the history it holds was checked for deleted or renamed incidents (fetch with --unshallow for all of it)."
    return problems, note


def in_ci() -> bool:
    """True on a CI runner: GitHub Actions, GitLab, Woodpecker and most others set CI=true."""
    return any(os.environ.get(name, "").lower() in ("true", "1") for name in ("CI", "GITHUB_ACTIONS"))


def _files_at(root: Path, commit: str, folder: Path) -> set[str]:
    """Slugs of the incident files the commit ``commit`` held: the template's, never this site's."""
    ok, listing = _git(root, "-c", "core.quotepath=off", "ls-tree", "-r", "--name-only", commit, "--", str(folder))
    return {Path(line).stem for line in listing.splitlines() if line.endswith(".yaml")} if ok else set()


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
