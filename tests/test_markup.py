"""Rendered texts are kept between builds by content hash (generator/outputs/markup.py)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.outputs import markup


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "rendered.sqlite"
    markup.use_cache_file(path)
    yield path
    markup.use_cache_file(None)


def test_a_rendered_text_is_kept_and_reused_without_rendering_again(store, monkeypatch):
    html = markup.render_markdown("We are **on it**: <script>x()</script>")
    assert str(html) == "<p>We are <strong>on it</strong>: </p>"
    markup.flush_cache()
    assert sqlite3.connect(store).execute("SELECT count(*) FROM rendered").fetchone() == (1,)

    markup.use_cache_file(store)  # a new build
    monkeypatch.setattr(markup, "_render", lambda text: pytest.fail(f"rendered again: {text}"))
    assert markup.render_markdown("We are **on it**: <script>x()</script>") == html


def test_a_new_parser_or_allowlist_never_reuses_old_html(store, monkeypatch):
    markup.render_markdown("Fixed.")
    markup.flush_cache()
    markup.use_cache_file(store)
    monkeypatch.setattr(markup, "RENDERING", markup.RENDERING + "another nh3")
    calls = []
    monkeypatch.setattr(markup, "_render", lambda text: calls.append(text) or "<p>new</p>")
    assert str(markup.render_markdown("Fixed.")) == "<p>new</p>"
    assert calls == ["Fixed."]


def test_an_unusable_cache_file_only_means_rendering(tmp_path):
    folder = tmp_path / "not-a-file.sqlite"
    folder.mkdir()  # sqlite cannot open a folder
    markup.use_cache_file(folder)
    try:
        assert str(markup.render_markdown("Still *works*.")) == "<p>Still <em>works</em>.</p>"
    finally:
        markup.use_cache_file(None)


# Texts an editor pastes in one paragraph: Markdown's punctuation, raw HTML, fences left open, and
# the blanks a YAML block scalar leaves at the end (``|`` keeps one newline, ``|+`` all of them).
_PIECES = ["word", "*em*", "**strong**", "`code `", "[link](https://example.com/a)", "<b>bold</b>", "<div>",
           "<!--", "```", "~~~", "# ", "- ", "1. ", "> ", "\\", "  ", "\t", "\n", "=", "---", "|a|b|", "&amp;", "é"]


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.sampled_from(["", "\n", "\n\n", "  \n", " \t", "\n\n\n"]))
@settings(max_examples=600, deadline=None)
def test_one_paragraph_reads_the_same_as_its_trimmed_block(pieces, ending):
    """paragraphs() renders a one-paragraph text whole (its page's rendering, from the cache) in
    place of its trimmed block: the plain text is the same either way."""
    text = "".join(pieces).lstrip() + ending
    blocks = re.split(r"\n\s*\n", text.strip())
    if len(blocks) != 1:
        return
    expected = [t for t in (markup.plain_text(blocks[0]),) if t]
    assert markup.paragraphs(text) == expected
