"""`make bench`: build synthetic sites of several sizes and report time and memory.

Each build runs `frankly build` in its own process. Per size, each scenario
(SCENARIOS: cold, warm full rebuild, one-entry edit, no change, a one-entry
edit as CI builds it, and a real `frankly serve` from save to visible) runs
`--repeat` times and its median wall time is reported, because on shared
machines single timings are noise.
Memory is reported twice: the largest single process's peak RSS (os.wait4),
and the peak proportional set size of the build's whole process tree
(/proc/*/smaps_rollup, sampled at most a thirtieth of the time: a sample walks
the build's page tables), which counts pages that forked workers share with
their parent once."""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable

import generator
from generator.bench import FRANKLY
from generator.bench.serve import save_to_visible
from generator.bench.synthetic import write_project
from generator.publication.output_cache import PRUNED
from generator.publication.staging import KEPT, PREVIOUS, STAGING


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants (Linux): memory the
    build really occupies, with pages shared by forked workers counted once."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                figures = rollup.read()
            # A child between vfork and exec (the detached `rm` of the previous site) reports
            # its parent's memory as its own, to the byte: count that memory once.
            if figures not in seen:
                seen.add(figures)
                total += next(int(line.split()[1]) for line in figures.splitlines() if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (OSError, StopIteration, ValueError):
            continue  # ended meanwhile
    return total


def _wait_for_cleanup(root: Path, limit: float = 300.0) -> None:
    """`frankly build` deletes the previous site and what its output cache no longer needs in the
    background (generator.publication.staging, output_cache.prune);
    let that finish, untimed, so each build is measured alone, not competing with the
    previous one's clean-up (back to back, at 10,000 entries, that cost up to 20 s)."""
    deadline = time.monotonic() + limit
    def busy() -> bool:  # the kept entry folders stay for the next build (generator/publication/kept.py)
        return any(not path.name.startswith(KEPT) for path in (*root.glob(f"{PREVIOUS}*"), *root.glob(f"{STAGING}*"))) \
            or any(root.glob(f".cache/frankly/outputs*/{PRUNED}*"))  # what the output cache's prune removes (output_cache.py)

    while busy() and time.monotonic() < deadline:
        time.sleep(0.2)


def _build_once(root: Path) -> tuple[float, float, float, float]:
    """(wall s, peak RSS MiB of the largest process, peak PSS MiB of all its processes,
    CPU s of the build and the workers it waited for: steadier than wall time on a busy machine)."""
    # The last build's files written out first, untimed: a build just after a cold one (1.3 GB at
    # 10,000 entries) otherwise shares the disk with its writeback (one edit: 6.4 s, then 5.4 s).
    os.sync()
    started = time.perf_counter()
    log = tempfile.TemporaryFile()  # not a pipe: a long log would block the build on a full pipe
    process = subprocess.Popen(
        [*FRANKLY, "build"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=log,
    )
    peak_pss = 0
    while True:
        finished, status, usage = os.wait4(process.pid, os.WNOHANG)
        if finished:
            break
        sampled = time.perf_counter()
        peak_pss = max(peak_pss, _tree_pss_kib(process.pid))
        # A sample walks every page table of the build (~28 ms at 10,000 entries): sampled every
        # 50 ms, or every ~0.25 s, a warm full build at 10,000 took 47-55 s and ~80 s of CPU
        # against 35 s and 63 s unsampled; every ~0.85 s, 35.4 s, 63.5 s and the same peak.
        time.sleep(max(0.05, 30 * (time.perf_counter() - sampled)))
    wall = time.perf_counter() - started
    _wait_for_cleanup(root)
    if os.waitstatus_to_exitcode(status) != 0:
        log.seek(0)
        raise SystemExit(f"build failed in {root}: {log.read().decode()[-2000:]}")
    # ru_maxrss: KiB on Linux. Workers' RSS counts pages they share with the parent, so the
    # tree's peak PSS is the honest total; without /proc, the largest process's RSS stands in.
    return wall, usage.ru_maxrss / 1024, (peak_pss or usage.ru_maxrss) / 1024, usage.ru_utime + usage.ru_stime


def _output_size(site: Path) -> tuple[int, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def _edit_one(root: Path, turn: int) -> None:
    """Change the title of the newest entry (another text each turn): a one-entry edit."""
    newest = sorted((root / "incidents").glob("*.yaml"))[-1]
    lines = newest.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("title: "):
            lines[number] = f"title: {line[7:].rstrip().split(' (edit')[0]} (edit {turn})\n"
            break
    newest.write_text("".join(lines), encoding="utf-8")


#: The scenarios, in the order they run for each size: (key, heading, what comes before each build).
SCENARIOS = [
    ("cold", "cold s", "no site, no .cache: every card drawn, every entry rendered"),
    ("warm_full", "warm full s", "cards and texts cached, the output cache emptied: every entry rendered"),
    ("one_edit", "one edit s", "every cache present, one entry's title changed"),
    ("no_change", "no change s", "every cache present, nothing changed"),
    ("ci_edit", "CI edit s", "a fresh clone on a CI runner: .cache/frankly restored, no site/, one entry's title changed"),
    ("serve", "serve save s", "a real frankly serve: one entry's file saved until the served page shows it"),
]


def _trash(root: Path) -> Path:
    return root.parent / f"trash-{root.name}"


def _move_aside(root: Path, name: str, folders: Iterable[Path]) -> None:
    """``folders`` (those that exist) into a new folder ``name`` of the size's trash."""
    aside = _trash(root) / name
    aside.mkdir(parents=True)
    for folder in folders:
        if folder.exists():
            folder.rename(aside / folder.name)


def _prepare(root: Path, scenario: str, turn: int) -> None:
    cache = root / ".cache" / "frankly"
    if scenario == "cold":  # as on a fresh CI runner
        # Moved aside, deleted once the size is done: on ext4 without a journal, creating files
        # within a minute of deleting thousands makes the allocator skip every recently freed
        # inode (ialloc.c, recently_deleted), which a fresh runner never sees: 0.3-0.4 s of a
        # warm full build of 1,000 entries here (ARCHITECTURE.md). The same for warm_full.
        _move_aside(root, str(turn), (root / "site", cache, *root.glob(f"{KEPT}*")))
    elif scenario == "warm_full":  # each language's output cache (outputs-<lang>/ beside the default's)
        _move_aside(root, f"outputs-{turn}", list(cache.glob("outputs*")))
    elif scenario == "one_edit":
        _edit_one(root, turn)
    elif scenario == "ci_edit":  # CI keeps .cache/frankly between runs, never the site or the folders kept beside it
        _move_aside(root, f"site-{turn}", (root / "site", *root.glob(f"{KEPT}*")))
        _edit_one(root, 100 + turn)


def run(sizes: list[int], repeat: int, workdir: Path, scenarios: list[str], languages: int = 1) -> list[dict]:
    rows = []
    for size in sizes:
        root = write_project(workdir / f"site-{size}", size, languages=languages)
        row: dict = {"incidents": size, "languages": languages}
        for key, _, _ in SCENARIOS:
            if key not in scenarios:
                continue
            if key == "serve":
                row[key] = save_to_visible(root, repeat, _tree_pss_kib)
                continue
            walls, rss, pss, cpu = [], [], [], []
            if key != "cold" and not (root / "site").is_dir():
                _build_once(root)  # untimed: leaves every cache as this code makes it
            for turn in range(repeat):
                _prepare(root, key, turn)
                wall, peak_rss, peak_pss, cpu_s = _build_once(root)
                walls.append(wall)
                cpu.append(cpu_s)
                rss.append(peak_rss)
                pss.append(peak_pss)
            row[key] = {"median_s": round(statistics.median(walls), 2), "walls_s": [round(w, 2) for w in walls],
                        "median_cpu_s": round(statistics.median(cpu), 2),
                        "peak_rss_mib": round(max(rss), 1), "peak_pss_mib": round(max(pss), 1)}
        files, megabytes = _output_size(root / "site")
        row.update(output_files=files, output_mb=round(megabytes, 1))
        rows.append(row)
        print(_row(row, scenarios), flush=True)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(_trash(root), ignore_errors=True)
    return rows


def _headings(scenarios: list[str]) -> list[str]:
    parts = ["incidents"]
    for key, heading, _ in SCENARIOS:
        if key in scenarios:
            parts += [heading, "CPU s", "PSS MiB"] if key != "serve" else [heading, "PSS MiB"]
    return parts + ["files", "MB"]


def _row(row: dict, scenarios: list[str]) -> str:
    values = [row["incidents"]]
    for key, _, _ in SCENARIOS:
        if key in scenarios:
            values += [row[key]["median_s"]] + ([row[key]["median_cpu_s"]] if key != "serve" else []) + [row[key]["peak_pss_mib"]]
    values += [row["output_files"], row["output_mb"]]
    return " ".join(f"{value:>{len(heading)}}" for value, heading in zip(values, _headings(scenarios)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,3000,10000", help="comma-separated incident counts")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size (the median is reported)")
    parser.add_argument("--out", default="bench-results.json", help="where to write the figures as JSON")
    parser.add_argument("--scenarios", default=",".join(key for key, _, _ in SCENARIOS),
                        help="comma-separated, of: " + "; ".join(f"{key} ({text})" for key, _, text in SCENARIOS))
    parser.add_argument("--languages", type=int, default=1, choices=(1, 2),
                        help="2: the site also in French, every entry translated (the cost of a second language)")
    args = parser.parse_args(argv)
    # As an installed Frankly runs: its modules' bytecode written once (pip compiles it on
    # install), not compiled again in every build, as PYTHONDONTWRITEBYTECODE=1 would have it.
    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    print(f"median wall s of {args.repeat} builds per scenario; peak PSS MiB of all the build's processes")
    print(" ".join(_headings(scenarios)))
    with tempfile.TemporaryDirectory(prefix="frankly-bench-") as tmp:
        rows = run(sizes, args.repeat, Path(tmp), scenarios, args.languages)
    by_size = {r["incidents"]: r for r in rows}
    summary = {"rows": rows, "cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    if 1000 in by_size and 10000 in by_size and "warm_full" in scenarios:
        summary["growth_10000_over_1000"] = round(by_size[10000]["warm_full"]["median_s"] / by_size[1000]["warm_full"]["median_s"], 2)
        print(f"growth of a warm full rebuild, time(10000)/time(1000) = {summary['growth_10000_over_1000']}")
    Path(args.out).write_text(json.dumps(summary, indent=2) + "\n")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
