"""Links between pages: urls.relative gives what posixpath.relpath gives, without its cost."""

import itertools
import posixpath

from generator.outputs import urls

SEGMENTS = ["", "a", "b", "incidents", "x-1", ".", "..", "page", "2", "index.json", "a.b"]


def _reference(from_url: str, to_url: str) -> str:
    rel = posixpath.relpath("/" + to_url, "/" + from_url)
    if to_url.endswith("/") or to_url == "":
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel


def test_relative_is_relpath_for_every_short_url():
    paths = ["/".join(p) for n in range(4) for p in itertools.product(SEGMENTS, repeat=n)]
    paths += [p + "/" for p in paths]
    for from_url in paths[::7]:
        for to_url in paths[::5]:
            assert urls.relative(from_url, to_url) == _reference(from_url, to_url), (from_url, to_url)


def test_relative_links_of_the_site():
    assert urls.relative("", "incidents/a/") == "incidents/a/"
    assert urls.relative("components/api/page/2/", "incidents/a/") == "../../../../incidents/a/"
    assert urls.relative("history/2026/", "history/") == "../"
    assert urls.relative("history/", "history/") == "./"
    assert urls.relative("incidents/a/", "api/v2/status.json") == "../../api/v2/status.json"
