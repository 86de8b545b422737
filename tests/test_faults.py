"""Faults: two editors at once, builds killed at any moment, a full disk, and
Frankly's own bugs. Nothing written is lost, a complete site exists at every
moment, nothing is left behind, and an editor never reads a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FRANKLY, FIXTURE_SITE, copy_project, invoke, run_frankly, stderr_without_notes, tree_bytes, wait_for
from generator.input.load import ProjectPaths, load_all
from generator.publication import staging

SLUG = "2026-04-01-api-migration"  # open in the fixture: updates go to its end


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*FRANKLY, *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


# ---------------------------------------------------------------- two editors at once


@pytest.mark.slow
def test_two_simultaneous_updates_are_both_kept(tmp_path: Path):
    """20 trials of two `frankly update` started together on one file: both updates land, every time."""
    for trial in range(20):
        root = copy_project(FIXTURE_SITE, tmp_path / f"trial-{trial}")
        file = root / "incidents" / f"{SLUG}.yaml"
        first = start(root, "update", SLUG, f"Trial {trial}: first editor.")
        second = start(root, "update", SLUG, f"Trial {trial}: second editor.")
        outcomes = [process.communicate(timeout=120) for process in (first, second)]
        for process, (stdout, stderr) in zip((first, second), outcomes):
            assert process.returncode == 0, stderr
            assert stdout.startswith(f"Added an update to incidents/{SLUG}.yaml"), stdout
        text = file.read_text(encoding="utf-8")
        assert f"Trial {trial}: first editor." in text and f"Trial {trial}: second editor." in text
        incident = next(i for i in load_all(ProjectPaths.at(root)).incidents if i.slug == SLUG)
        messages = [update.message for update in incident.updates[-2:]]
        assert sorted(messages) == [f"Trial {trial}: first editor.\n", f"Trial {trial}: second editor.\n"]
        assert len({update.anchor for update in incident.updates}) == len(incident.updates)  # each its own address


def test_updates_in_the_same_second_get_their_own_ids(project: Path):
    now = "2026-04-01T15:00:00+00:00"
    for text in ("One.", "Two.", "Three."):
        assert invoke(project, "update", SLUG, text, "--now", now).exit_code == 0
    incident = next(i for i in load_all(ProjectPaths.at(project)).incidents if i.slug == SLUG)
    assert [u.anchor for u in incident.updates[-3:]] == ["u-20260401t150000z", "u-20260401t150000z-2", "u-20260401t150000z-3"]
    text = (project / "incidents" / f"{SLUG}.yaml").read_text(encoding="utf-8")
    assert "id:" not in text  # told apart by their order, with nothing for anyone to type


def test_hand_written_updates_at_the_same_minute_are_told_apart_by_order(project):
    path = project / "incidents" / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - at: 2026-04-01T08:00:00-04:00\n    status: in_progress\n    message: One.\n"
                    "  - at: 2026-04-01T08:00:00-04:00\n    status: in_progress\n    message: Two.\n", encoding="utf-8")
    incident = next(i for i in load_all(ProjectPaths.at(project)).incidents if i.slug == SLUG)
    assert [u.anchor for u in incident.updates[-2:]] == ["u-20260401t120000z", "u-20260401t120000z-2"]


def test_a_writer_that_waits_too_long_says_so(project: Path, monkeypatch):
    """Another command holding the lock: refused after the wait, with the reason, nothing written."""
    import filelock

    from generator.editing import entries

    monkeypatch.setattr(entries, "LOCK_WAIT", 0.2)
    lock_file = project / ".cache" / "frankly" / "edit.lock"
    lock_file.parent.mkdir(parents=True)
    before = (project / "incidents" / f"{SLUG}.yaml").read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", f"import filelock, time; l = filelock.FileLock({str(lock_file)!r}); l.acquire(); print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = invoke(project, "update", SLUG, "Blocked.")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert result.stderr == ("another frankly command has been writing to this project for 0.2 s "
                             "(.cache/frankly/edit.lock is held); nothing was written: run the command again\n")
    assert (project / "incidents" / f"{SLUG}.yaml").read_bytes() == before
    del filelock


# ---------------------------------------------------------------- builds killed at any moment


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()
                  if p.name.startswith((staging.STAGING, staging.PREVIOUS)) and not p.name.startswith(staging.KEPT))


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_complete_site_and_the_next_build_no_litter(tmp_path: Path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    started = time.monotonic()
    assert run_frankly(root, "build").returncode == 0
    duration = time.monotonic() - started
    wait_for(lambda: not _leftovers(root))
    complete = tree_bytes(root / "site")  # the same input always gives these bytes
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0):
        build = start(root, "build")
        time.sleep(duration * fraction)
        os.killpg(build.pid, signal.SIGKILL)  # the build and any process it forked
        build.wait()
        assert tree_bytes(root / "site") == complete, f"killed at {fraction:.0%} of a build"
    assert run_frankly(root, "build").returncode == 0
    wait_for(lambda: not _leftovers(root))
    assert tree_bytes(root / "site") == complete


def test_the_next_build_never_removes_a_running_builds_folder(tmp_path: Path):
    final = tmp_path / "site"
    final.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    mine = tmp_path / f"{staging.STAGING}{os.getpid()}"
    gone = tmp_path / f"{staging.STAGING}{dead.pid}"
    previous = tmp_path / f"{staging.PREVIOUS}{dead.pid}"
    claimed = tmp_path / f"{staging.PREVIOUS}{dead.pid}{staging.CLAIMED}"
    kept = tmp_path / f"{staging.KEPT}site"  # for the next build to claim: never a leftover
    for folder in (mine, gone, previous, claimed, kept):
        (folder / "x").mkdir(parents=True)
    removed = staging.remove_leftovers(final)
    assert sorted(removed) == sorted([gone, previous, claimed])
    wait_for(lambda: not gone.exists() and not previous.exists() and not claimed.exists())
    assert mine.exists() and kept.exists()


def test_the_swap_is_one_exchange_where_the_system_has_it(tmp_path: Path, monkeypatch):
    """On Linux no rename happens: the old and the new site trade places in one call."""
    final, new = tmp_path / "site", tmp_path / f"{staging.STAGING}{os.getpid()}"
    (final / "old").mkdir(parents=True)
    (new / "new").mkdir(parents=True)

    def no_rename(self, target):
        raise AssertionError("a rename would leave a moment without a site")

    monkeypatch.setattr(Path, "rename", no_rename)
    staging.swap_into_place(new, final)
    assert (final / "new").is_dir() and not (final / "old").exists()


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs of a few MB (needs root, as on CI); resized by calling it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a small disk needs root to mount a tmpfs")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("this machine does not let tests mount a tmpfs")

    def resize(megabytes: float) -> None:
        subprocess.run(["mount", "-o", f"remount,size={int(megabytes * 1024)}k", str(mount)], check=True)

    yield mount, resize
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_next_build_recovers(small_disk):
    mount, resize = small_disk
    root = copy_project(FIXTURE_SITE, mount / "project")
    assert run_frankly(root, "build").returncode == 0
    wait_for(lambda: not _leftovers(root))
    good = tree_bytes(root / "site")
    used = sum(len(data) for data in good.values())
    resize((sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) + used * 0.4) / 1048576 + 0.5)
    # the next build must write a second site beside the first: it cannot fit
    (root / "incidents" / f"{SLUG}.yaml").write_text(
        (root / "incidents" / f"{SLUG}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_frankly(root, "build")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("no space left on device while writing site/"), result.stderr
    assert "MB were written before the disk filled up); free some space and build again. The previous site/ was left untouched." in last
    assert "Traceback" not in result.stderr
    assert tree_bytes(root / "site") == good
    assert not _leftovers(root)
    resize(64)
    assert run_frankly(root, "build").returncode == 0
    wait_for(lambda: not _leftovers(root))
    assert tree_bytes(root / "site") == good


# ---------------------------------------------------------------- Frankly's own bugs


def test_an_unexpected_error_is_one_line_and_a_report(project: Path, monkeypatch):
    from generator.facts import derive

    def broken(catalog):
        raise RuntimeError("a bug in derive")

    monkeypatch.setattr(derive, "derive", broken)
    result = invoke(project, "check")
    assert result.exit_code == 1
    lines = stderr_without_notes(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("frankly check failed unexpectedly: RuntimeError: a bug in derive (at generator/cli/site.py:")
    assert "Nothing you wrote was changed. The full report is in " in lines[0]
    assert lines[0].endswith("; run the command again with --debug to see it here.")
    report = Path(lines[0].split("The full report is in ", 1)[1].split(";", 1)[0])
    text = report.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: a bug in derive" in text
    report.unlink()
    with pytest.raises(RuntimeError, match="a bug in derive"):
        invoke(project, "check", "--debug")


def test_an_unexpected_error_while_serving_is_one_logged_line(monkeypatch, tmp_path: Path):
    """`frankly serve` keeps running: mkdocs logs the PluginError's one line, no traceback."""
    from mkdocs.exceptions import PluginError

    from generator.publication import plugin as plugin_module

    def broken(paths, pending=None):
        raise RuntimeError("a bug while loading")

    monkeypatch.setattr(plugin_module, "load_all", broken)
    plugin = plugin_module.FranklyPlugin()
    plugin.load_config({})
    config = type("Config", (), {"config_file_path": str(tmp_path / "mkdocs.yml")})()
    plugin.on_startup(command="serve", dirty=False)
    with pytest.raises(PluginError) as caught:
        plugin.on_config(config)
    message = str(caught.value)
    assert message.startswith("frankly serve failed unexpectedly: RuntimeError: a bug while loading (at generator/publication/plugin.py:")
    report = Path(message.split("The full report is in ", 1)[1].split(";", 1)[0])
    assert "RuntimeError: a bug while loading" in report.read_text(encoding="utf-8")
    report.unlink()
    plugin.on_startup(command="build", dirty=False)
    with pytest.raises(RuntimeError):  # a build raises it as is: `frankly build` reports it in one line
        plugin.on_config(config)


def test_a_worker_process_failure_says_where_it_failed_in_that_process(monkeypatch):
    """The one line names the frame of Frankly's code in the child, not the pipe that carried it."""
    from generator.publication import moments
    from generator.publication.reports import one_line
    from generator.workers import WorkerFailed, map_chunks

    monkeypatch.delenv("FRANKLY_NOW", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def work(chunk):
        if 2 in chunk:  # the second slice, in the forked child
            os.environ["FRANKLY_NOW"] = "not a time"
        return [moments.judging_moment(False, False) for _ in chunk]

    with pytest.raises(WorkerFailed) as caught:
        map_chunks(work, [1, 2], 2)
    line = one_line("build", caught.value, Path("report.log"))
    assert "FRANKLY_NOW: 'not a time' is not a time with its UTC offset" in line
    assert "(at generator/publication/moments.py:" in line
