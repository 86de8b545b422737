"""The site-wide outputs read facts derived once per report (cached properties, the
uptime and accountability memos) and words formatted once per process (lru_cache):
none of them may serve one site's value to another. Two different sites rendered
one after the other in one process give the bytes each gives alone, in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.bench.synthetic import write_project

#: Renders the site-wide outputs of each (project, language) given, prints their digests.
SCRIPT = """
import hashlib, json, sys
from pathlib import Path
from generator.facts.derive import derive
from generator.input.load import ProjectPaths, load_all
from generator.outputs import cards, i18n
from generator.outputs.editions import edition_of, localized
from generator.outputs.files import GeneratedPage, LaterPage
from generator.outputs.site import render_site_outputs
from generator.outputs.templating import Renderer

cards.use_cache_dir(Path(sys.argv[2]))  # drawn once for all the runs (their bytes are not compared)
found = []
for root, language in json.loads(sys.argv[1]):
    paths = ProjectPaths.at(Path(root))
    catalog = load_all(paths)
    edition = edition_of(catalog.site, language)
    i18n.activate(edition.language, paths.site_locales)
    report = derive(localized(catalog, edition))
    digests = {}
    for output in render_site_outputs(Renderer(report, edition)):
        output = output.make() if isinstance(output, LaterPage) else output
        if isinstance(output, GeneratedPage):
            digests[output.url] = hashlib.sha256((output.markdown + "".join(output.fragments)).encode()).hexdigest()
        elif output.source is None:
            digests[output.path] = hashlib.sha256(output.content).hexdigest()
    found.append(digests)
print(json.dumps(found))
"""


def _digests(runs: list[tuple[str, str | None]], cards: Path) -> list[dict[str, str]]:
    cards.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(runs), str(cards)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_sites_rendered_in_one_process_give_what_each_gives_alone(tmp_path: Path):
    one = str(write_project(tmp_path / "one", 60, seed=1))
    two = str(write_project(tmp_path / "two", 90, seed=2, maintenance_every=4, languages=2))
    runs = [(one, None), (two, None), (two, "fr"), (one, None)]
    together = _digests(runs, tmp_path / "cards")
    alone = [_digests([run], tmp_path / "cards")[0] for run in runs]
    assert together == alone
    assert together[0] == together[3]
    for url in ("", "history/", "components/api/", "api/v2/summary.json", "badges/components/api-uptime.svg", "accountability/", "feeds/maintenance.ics"):
        differ = [d.get(url) for d in together[:3]]
        assert None not in differ[:2] and len(set(differ)) == len(differ), url
