"""The publish step's shortcuts change no byte: pages filled into a shell
(generator/publication/theme_shell.py) and entries rendered in several processes
(generator/workers.py) give exactly what mkdocs alone, in one process, gives."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_SITE, copy_project, run_frankly, tree_bytes, write_incident
from generator.bench.synthetic import write_project
from generator.publication.theme_shell import Shell, compact_chrome, split_front_matter, with_front_matter

pytestmark = pytest.mark.slow


def _build(root, **options):
    """`frankly build` with these frankly plugin options in mkdocs.yml; (files, stderr)."""
    config = root / "mkdocs.yml"
    text = re.sub(r"\n      (page_shells|jobs|compact_html): \w+", "", config.read_text())
    if "  - frankly:\n" not in text:
        text = text.replace("  - frankly\n", "  - frankly:\n      incidents_dir: incidents\n")
    settings = "".join(f"      {key}: {str(value).lower()}\n" for key, value in options.items())
    config.write_text(text.replace("  - frankly:\n", "  - frankly:\n" + settings))
    result = run_frankly(root, "build")
    assert result.returncode == 0, result.stderr
    return tree_bytes(root / "site"), result.stderr


@pytest.mark.parametrize("source", ["fixture", "synthetic"])
def test_shell_pages_are_byte_identical_to_full_mkdocs_renders(tmp_path, source):
    root = tmp_path / "project"
    if source == "fixture":
        copy_project(FIXTURE_SITE, root)
        # Titles and summaries with everything escaping touches, in several pages of one shape.
        for n, title in enumerate(['Tom & Jerry\'s "quoted" <b>outage</b>', "Café ✓ — ünïcode", "plain"]):
            write_incident(root, f"2026-02-0{n + 1}-probe-{n}.yaml", f"""\
kind: incident
title: '{title.replace("'", "''")}'
summary: 'A & B <i>x</i> "y"'
impact: minor
components:
  api: degraded_performance
updates:
  - at: 2026-02-0{n + 1}T10:00:00-05:00
    status: investigating
    message: 'We are looking & <b>will</b> update.'
  - at: 2026-02-0{n + 1}T11:00:00-05:00
    status: resolved
    message: Fixed.
""")
    else:
        write_project(root, 120, maintenance_every=5)
    with_shells, log = _build(root, page_shells=True)
    in_full, _ = _build(root, page_shells=False)
    assert with_shells.keys() == in_full.keys()
    different = [path for path in with_shells if with_shells[path] != in_full[path]]
    assert different == []
    shelled = int(re.search(r"(\d+) pages from shells", log).group(1))
    assert shelled >= (100 if source == "synthetic" else 3)


def test_compact_pages_differ_only_in_whitespace_and_are_smaller(tmp_path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    compact, _ = _build(root, compact_html=True)
    as_themed, _ = _build(root, compact_html=False)
    assert compact.keys() == as_themed.keys()
    pages = [path for path in compact if path.endswith(".html")]
    assert len(pages) > 10
    assert all(compact[path] == as_themed[path] for path in compact if not path.endswith(".html"))
    for path in pages:  # every whitespace run that changed is still whitespace: pages render the same
        assert re.sub(rb"\s+", b" ", compact[path]) == re.sub(rb"\s+", b" ", as_themed[path]), path
    incident = "incidents/2026-03-02-api-errors/index.html"
    assert len(compact[incident]) < 0.9 * len(as_themed[incident])
    article = BeautifulSoup(compact[incident], "html.parser").select_one("article")
    assert str(article) == str(BeautifulSoup(as_themed[incident], "html.parser").select_one("article"))


def test_compact_chrome_keeps_content_and_whitespace_that_matters():
    content = "<p>a\n    b</p>\n\n<pre>x\n    y</pre>"
    page = f"<html>\n  <body>\n    <main>\n      {content}\n    </main>\n  </body>\n</html>\n"
    assert compact_chrome(page, content) == f"<html>\n<body>\n<main>\n{content}\n</main>\n</body>\n</html>\n"
    themed = "<body>\n  <pre>keep\n    this</pre>\n  C\n  <p>x\n    y</p>\n</body>"
    assert compact_chrome(themed, "C") == "<body>\n  <pre>keep\n    this</pre>\n  C\n<p>x\ny</p>\n</body>"
    assert compact_chrome(page, "missing") == page
    assert compact_chrome("<b>\n  C\n  C\n</b>", "C") == "<b>\n  C\n  C\n</b>"  # content not found exactly once


def test_a_theme_that_transforms_the_title_gets_full_renders(tmp_path):
    # A theme override that URL-encodes the title cannot be filled exactly: full renders, same bytes.
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    overrides = root / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}{% if page and page.meta %}<meta name="t" content="{{ page.meta.title | urlencode }}">{% endif %}{% endblock %}\n'
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1))
    assert "custom_dir: overrides" in config.read_text()
    with_shells, log = _build(root, page_shells=True)
    in_full, _ = _build(root, page_shells=False)
    assert with_shells == in_full
    assert re.search(r" 0 pages from shells", log)
    page = with_shells["incidents/2026-03-02-api-errors/index.html"].decode()
    assert '<meta name="t" content="Elevated%20API%20error%20rates">' in page


def test_entries_rendered_in_two_processes_give_the_same_site(tmp_path):
    root = write_project(tmp_path / "project", 150, maintenance_every=5)
    in_two, log = _build(root, jobs=2)
    assert re.search(r"150 entries and \d+ archive pages in 2 processes", log)
    assert "Cards: 151 drawn, 0 reused" in log  # the children's cards are counted (and kept in the cache)
    in_one, log = _build(root, jobs=1)
    assert re.search(r"150 entries and \d+ archive pages in 1 process;", log)
    assert "Cards: 0 drawn, 151 reused" in log
    assert in_two == in_one


def test_a_docs_file_at_a_site_wide_files_address_is_replaced_with_a_warning(tmp_path):
    """docs/'s file at the address of Frankly's gives way, whether docs/ names it by the
    same path (the JSON, a feed) or publishes a page there (embed.md → embed/index.html)."""
    import json

    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    for path in ("api/v2/summary.json", "feeds/incidents.rss"):
        squatter = root / "docs" / path
        squatter.parent.mkdir(parents=True, exist_ok=True)
        squatter.write_text("not Frankly's\n")
    (root / "docs" / "embed.md").write_text("# How to embed our status\n\nSquatting the widget's address.\n")
    files, log = _build(root)
    for path in ("api/v2/summary.json", "feeds/incidents.rss", "embed.md"):
        assert f"docs/{path} is replaced by the file Frankly generates at that address" in log
    for path in ("api/v2/summary.json", "feeds/incidents.rss"):
        assert b"not Frankly's" not in files[path]
    assert json.loads(files["api/v2/summary.json"])["page"]["name"]
    assert files["feeds/incidents.rss"].startswith(b"<?xml")
    widget = files["embed/index.html"].decode()
    assert "How to embed our status" not in widget and '<meta name="robots" content="noindex">' in widget
    # Neither listed nor searched as a page: the page served there is Frankly's widget.
    assert b"embed/" not in files["sitemap.xml"]
    index = json.loads(files["search/search_index.json"])
    assert not [doc for doc in index["docs"] if doc["location"].startswith("embed/")]
    assert b"How to embed our status" not in files["about/index.html"]  # nor in the navigation


def test_links_from_docs_pages_to_site_wide_files_resolve_in_strict_mode(tmp_path):
    """A hand-written page links to the feed and the JSON as to any file of the site."""
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    about = root / "docs" / "about.md"
    about.write_text(about.read_text() + "\n[The feed](feeds/incidents.rss), [the JSON](api/v2/summary.json).\n")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "strict: true\n")
    for jobs in (1, 2):
        files, log = _build(root, jobs=jobs)
        page = BeautifulSoup(files["about/index.html"], "html.parser")
        assert page.find("a", string="The feed")["href"] == "../feeds/incidents.rss"
        assert page.find("a", string="the JSON")["href"] == "../api/v2/summary.json"
        assert "not found among documentation files" not in log


def _in_child(work):
    """``work()`` as the forked child of map_chunks runs it (the second slice); its result."""
    from generator.workers import map_chunks

    return map_chunks(lambda chunk: work() if chunk == [1] else None, [0, 1], 2)[1]


def test_work_forked_comes_back_or_fails_as_itself():
    import errno

    from generator.workers import WorkerFailed

    assert _in_child(lambda: {"paths": ["a", "b"] * 100_000}) == {"paths": ["a", "b"] * 100_000}

    def fails():
        raise ValueError("no calendar")

    with pytest.raises(WorkerFailed, match="ValueError: no calendar"):
        _in_child(fails)

    def full():
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left") as raised:
        _in_child(full)
    assert raised.value.errno == errno.ENOSPC


def test_work_forked_whose_result_cannot_be_sent_says_why_and_prints_nothing(capfd):
    import os
    import signal
    import threading

    from generator.workers import WorkerFailed

    # Unpicklable, after enough to fill the pipe: part of the result is sent before pickling fails.
    with pytest.raises(WorkerFailed, match="cannot pickle '_thread.lock' object") as raised:
        _in_child(lambda: ["x" * 1000] * 1000 + [threading.Lock()])
    assert "could not send its result" in raised.value.child_traceback
    assert "Traceback" in raised.value.child_traceback  # kept for the report file
    with pytest.raises(WorkerFailed, match="killed by SIGKILL"):
        _in_child(lambda: os.kill(os.getpid(), signal.SIGKILL))
    printed = capfd.readouterr()
    assert printed.err == "" and printed.out == ""


def test_a_failing_worker_fails_the_build_with_its_error(tmp_path):
    from generator.workers import WorkerFailed, map_chunks

    def work(chunk):
        if 3 in chunk:
            raise ValueError("entry 3 is broken")
        return sum(chunk)

    assert map_chunks(sum, list(range(10)), 3) == [sum(range(0, 10, 3)), sum(range(1, 10, 3)), sum(range(2, 10, 3))]
    with pytest.raises(WorkerFailed, match="ValueError: entry 3 is broken"):
        map_chunks(work, list(range(10)), 2)  # 3 is in the child's slice (odd numbers)


def test_a_worker_that_dies_fails_the_build_and_a_large_result_comes_back_whole():
    import os
    from generator.workers import WorkerFailed, map_chunks

    def dies(chunk):
        if 1 in chunk:
            os._exit(3)  # killed: nothing written to the pipe
        return chunk

    with pytest.raises(WorkerFailed, match="ended without a result"):
        map_chunks(dies, [0, 1], 2)
    big = map_chunks(lambda chunk: [bytes([n]) * 3_000_000 for n in chunk], list(range(6)), 2)  # read as a stream
    assert [len(part) for part in big] == [3, 3] and big[1][2] == bytes([5]) * 3_000_000


def test_shell_compile_refuses_a_transformed_marker():
    content = "<p>body</p>"
    exact = f"<html><head><title>{'frankly-shell-title-&amp;&lt;&gt;&#34;&#39;é'}</title></head><body>{content}</body></html>"
    shell = Shell.compile(exact, content)
    assert shell is not None
    assert shell.fill({"title": "T &amp; U", "head": "<meta>", "content": "<p>x</p>", "description": "", "slug": ""}) == (
        "<html><head><title>T &amp; U</title><meta></head><body><p>x</p></body></html>"
    )
    encoded = exact.replace("&amp;&lt;", "%26%3C")
    assert Shell.compile(encoded, content) is None
    assert Shell.compile(exact + content, content) is None  # content twice: no single place to put it


def test_front_matter_round_trips():
    meta = {"title": 'A &amp; "B"', "description": "ü", "search": {"exclude": True}}
    text = with_front_matter(meta, "# body\n")
    assert split_front_matter(text) == (meta, "# body\n")


def test_a_docs_page_at_an_entry_address_is_replaced_with_a_warning(tmp_path):
    root = copy_project(FIXTURE_SITE, tmp_path / "project")
    squatter = root / "docs" / "incidents" / "2026-03-02-api-errors" / "index.md"
    squatter.parent.mkdir(parents=True)
    squatter.write_text("# Not the incident\n")
    files, log = _build(root)
    assert "incidents/2026-03-02-api-errors/index.html from docs/ is replaced by the file Frankly generates" in log
    article = BeautifulSoup(files["incidents/2026-03-02-api-errors/index.html"], "html.parser").select_one("article")
    assert article.h1.get_text(strip=True) == "Elevated API error rates"
    assert "Not the incident" not in article.get_text()


@pytest.mark.parametrize("end", ["finish", "cancel"])
def test_cards_drawn_ahead_are_whole_and_each_drawn_once(tmp_path, end):
    """The drawer forked at on_files stops when told (finish or a failed build's cancel);
    finish then draws what it left, so every missing card is in the cache, whole, once."""
    import io
    import os

    from PIL import Image

    from generator.facts.derive import derive
    from generator.input.load import ProjectPaths, load_all
    from generator.outputs import cards
    from generator.outputs.site import cards_to_draw
    from generator.outputs.templating import Renderer
    from generator.publication.cards_ahead import DRAW_AHEAD_FROM, CardsAhead
    from generator.workers import can_fork

    root = write_project(tmp_path / "project", DRAW_AHEAD_FROM + 20)
    renderer = Renderer(derive(load_all(ProjectPaths.at(root))))
    folder = tmp_path / "cards"
    cards.use_cache_dir(folder)
    try:
        cards.begin_build()
        wanted = {cards.cache_key(card) for card in cards_to_draw(renderer, renderer.report.entries)}
        ahead = CardsAhead(renderer, None)
        drawer = ahead._pid
        assert (drawer is not None) == can_fork()  # under pytest-xdist's threads: drawn by finish() alone
        if end == "cancel":
            ahead.cancel()
            assert not any(name.endswith(".tmp") for name in os.listdir(folder))  # stopped between two cards
            assert {path.stem for path in folder.glob("*.png")} <= wanted
        ahead.finish()
        assert {path.stem for path in folder.glob("*.png")} == wanted and len(wanted) >= DRAW_AHEAD_FROM
        assert sorted(os.listdir(folder)) == sorted(f"{key}.png" for key in wanted)
        for path in folder.glob("*.png"):
            with Image.open(io.BytesIO(path.read_bytes())) as image:
                image.load()
                assert image.size == (cards.WIDTH, cards.HEIGHT)
        mtimes = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
        ahead.finish()  # nothing left to draw, nothing drawn again
        assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == mtimes
        if drawer is not None:
            with pytest.raises(ChildProcessError):
                os.waitpid(drawer, os.WNOHANG)  # the drawer was waited for
    finally:
        cards.use_cache_dir(None)


@pytest.mark.parametrize("count, jobs, run", [(0, 2, 64), (1, 2, 64), (63, 2, 64), (200, 2, 64), (1000, 3, 7), (17, 4, 1)])
def test_search_lines_come_back_in_entry_order_from_runs_dealt_to_processes(tmp_path, count, jobs, run):
    """EntryPublisher.run deals runs of items to the processes in turn (map_chunks); each process
    writes one line per item (empty for an archive page); _in_entry_order reads them back in order."""
    from generator.publication.publish import _in_entry_order

    items = [f"line {n}" if n % 5 else "" for n in range(count)]  # every fifth: an archive page's empty line
    runs = [items[start:start + run] for start in range(0, len(items), run)]
    dealt = max(1, min(jobs, len(runs)))
    parts = []
    for process in range(dealt):
        part = tmp_path / f"part-{process}.jsonl"
        part.write_text("".join(line + "\n" for chunk in runs[process::dealt] for line in chunk), encoding="utf-8")
        parts.append(str(part))
    first = tmp_path / "first.jsonl"
    first.write_text("warm 1\n\nwarm 2\n", encoding="utf-8")
    assert list(_in_entry_order(str(first), parts, [len(chunk) for chunk in runs])) == \
        ["warm 1", "warm 2", *(line for line in items if line)]
