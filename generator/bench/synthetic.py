"""Deterministic synthetic status sites, for the benchmark and size tests.

Same (count, seed) -> byte-identical project, so runs compare like with like.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

COMPONENTS = ["api", "dashboard", "sms", "voice", "data", "email", "billing", "login", "search", "cdn"]
STATUSES = ["degraded_performance", "partial_outage", "major_outage"]
WORDS = (
    "error rates latency requests customers region database queue deploy rollback cache network "
    "certificate capacity traffic failover replica storage timeout engineers monitoring recovery"
).split()

MKDOCS_YML = """\
site_name: Bench
theme:
  name: material
  font: false
plugins:
  - search
  - frankly
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _stamp(moment: datetime) -> str:
    return moment.isoformat()


def write_project(root: Path, count: int, seed: int = 1, maintenance_every: int = 10, languages: int = 1) -> Path:
    """Write a project with ``count`` entries (about 5 updates each) under ``root``;
    every ``maintenance_every``-th entry is a maintenance. ``languages=2``: the site also
    in French (under /fr/), each entry's title, summary and messages translated."""
    rng = random.Random(seed)
    (root / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "site_config").mkdir(exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "docs" / "about.md").write_text("# About\n\nA synthetic site.\n")
    components = "".join(f"  - id: {c}\n    name: {c.title()}\n    description: The {c} service.\n" for c in COMPONENTS)
    (root / "site_config" / "site.yaml").write_text(
        "name: Bench Status\ncompany: Bench\nbase_url: https://status.bench.test/\n"
        f"time_zone: Europe/Berlin\n{'languages: [en, fr]' if languages > 1 else ''}\ncomponents:\n{components}"
    )
    zone = timezone(timedelta(hours=1))
    start = datetime(2016, 1, 1, tzinfo=zone)
    span = (datetime(2026, 11, 1, tzinfo=zone) - start).total_seconds()
    for index in range(count):
        began = start + timedelta(seconds=int(span * index / max(count, 1)) + rng.randrange(3600))
        kind = "maintenance" if index % maintenance_every == 7 % maintenance_every else ("notice" if index % 25 == 3 else "incident")
        affected = rng.sample(COMPONENTS, rng.randint(1, 3))
        lines = [
            f"kind: {kind}",
            f"title: {_sentence(rng, 5)[:-1]} #{index}",
            f"summary: {_sentence(rng, 25)}",
            f"impact: {rng.choice(['minor', 'major', 'critical'] if kind == 'incident' else ['none', 'minor'])}",
        ]
        if languages > 1:
            lines += ["translations:", "  fr:", f"    title: {_sentence(rng, 5)[:-1]} #{index}", f"    summary: {_sentence(rng, 25)}"]
        if kind != "notice":
            status = "under_maintenance" if kind == "maintenance" else None
            lines.append("components:")
            lines += [f"  {c}: {status or rng.choice(STATUSES)}" for c in affected]
        statuses = {
            "incident": ["investigating", "identified", "monitoring", "monitoring", "resolved"],
            "maintenance": ["scheduled", "in_progress", "verifying", "completed"],
            "notice": ["posted", "closed"],
        }[kind]
        if index == count - 1 and kind == "incident":
            statuses = statuses[:2]  # one entry still open
        if kind == "maintenance":
            lines += ["window:", f"  start: {_stamp(began + timedelta(days=7))}", f"  end: {_stamp(began + timedelta(days=7, hours=3))}"]
        lines.append("updates:")
        moment = began
        for number, status in enumerate(statuses):
            if kind == "maintenance" and number == 1:
                moment = began + timedelta(days=7)
            lines += [
                f"  - at: {_stamp(moment)}",
                f"    status: {status}",
                "    message: |",
                f"      {_sentence(rng, 30)}",
                f"      {_sentence(rng, 20)} See **details** in [our docs](https://docs.bench.test/{index}).",
            ]
            if languages > 1:
                lines += ["    translations:", "      fr:", "        message: |", f"          {_sentence(rng, 30)}",
                          f"          {_sentence(rng, 20)} Voir les **détails** dans [notre doc](https://docs.bench.test/{index})."]
            if status not in ("resolved", "completed", "closed"):
                lines.append(f"    next_update: {rng.choice(['30m', '1h', '2h'])}")
            if rng.random() < 0.5:
                lines += ["    posted_to:", f"      - https://x.com/bench/status/{index}{number}"]
            moment += timedelta(minutes=rng.randint(10, 120))
        if kind == "incident" and index % 5 == 0:
            lines += ["apology:", f"  at: {_stamp(moment)}", "  by:", "    name: Pat Doe", "    role: CEO", f"  statement: {_sentence(rng, 30)}"]
        if kind == "incident" and index % 4 == 0:
            lines += [
                "postmortem:", f"  published_at: {_stamp(moment + timedelta(days=3))}",
                f"  root_cause: {_sentence(rng, 40)}", f"  changes: {_sentence(rng, 30)}",
                "  action_items:", "    - title: Fix it", "      owner: SRE", "      done: true",
            ]
        slug = f"{began:%Y-%m-%d}-synthetic-{index:05d}"
        (root / "incidents" / f"{slug}.yaml").write_text("\n".join(lines) + "\n")
    return root
