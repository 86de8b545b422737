"""`make bench`: build synthetic sites of several sizes and report time and memory.

Each build runs `frankly build` in its own process; wall time is measured
around it and peak memory is that process's own maximum RSS (os.wait4). The
median of the repeats is reported, with ms per incident and the growth ratio,
because on shared machines single timings are noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synthetic import write_project


def _build_once(root: Path) -> tuple[float, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", "from generator.cli import main; main()", "build"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {root}: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
    return wall, usage.ru_maxrss / 1024  # KiB -> MiB on Linux


def _output_size(site: Path) -> tuple[int, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def run(sizes: list[int], repeat: int, workdir: Path) -> list[dict]:
    rows = []
    for size in sizes:
        root = write_project(workdir / f"site-{size}", size)
        walls, peaks = [], []
        for _ in range(repeat):
            wall, peak = _build_once(root)
            walls.append(wall)
            peaks.append(peak)
        files, megabytes = _output_size(root / "site")
        median = statistics.median(walls)
        rows.append({
            "incidents": size, "median_wall_s": round(median, 2), "ms_per_incident": round(1000 * median / size, 2),
            "peak_mib": round(max(peaks), 1), "output_files": files, "output_mb": round(megabytes, 1),
            "walls_s": [round(w, 2) for w in walls],
        })
        print(_row(rows[-1]), flush=True)
    return rows


def _row(row: dict) -> str:
    return (f"{row['incidents']:>9} {row['median_wall_s']:>13} {row['ms_per_incident']:>13} "
            f"{row['peak_mib']:>9} {row['output_files']:>12} {row['output_mb']:>9}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,3000,10000", help="comma-separated incident counts")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size (the median is reported)")
    parser.add_argument("--out", default="bench-results.json", help="where to write the figures as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"{'incidents':>9} {'median wall s':>13} {'ms/incident':>13} {'peak MiB':>9} {'output files':>12} {'output MB':>9}")
    with tempfile.TemporaryDirectory(prefix="frankly-bench-") as tmp:
        rows = run(sizes, args.repeat, Path(tmp))
    by_size = {r["incidents"]: r for r in rows}
    summary = {"rows": rows, "cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    if 1000 in by_size and 10000 in by_size:
        summary["growth_10000_over_1000"] = round(by_size[10000]["median_wall_s"] / by_size[1000]["median_wall_s"], 2)
        print(f"growth time(10000)/time(1000) = {summary['growth_10000_over_1000']}")
    Path(args.out).write_text(json.dumps(summary, indent=2) + "\n")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
