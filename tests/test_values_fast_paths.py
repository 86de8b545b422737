"""Validation's fast paths accept only what the general path accepts, with the same result.

A fast path skips a costly general step for the common case (issue 20: at 10,000
entries every unchanged entry is validated again on each build); these properties
compare both ways over odd inputs, so a fast path can never let through what the
general one refuses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.input import model, values

_SCHEMES = st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "javascript:", "data:", "http:/", "//", ""])
_HOST_CHARS = st.sampled_from(list("abcXYZ019.-:@[]%_~ é\t\n") + ["ß", "\u2100", "\ufe6b"])
_REST_CHARS = st.sampled_from(list("abc/?#&=%:;@!$'()*+,.~-_[] \"<>`{}|\\^\t\x00\x1f\x7f") + ["é", "\u00a0", "\u2028"])
_ADDRESSES = st.one_of(
    st.builds(lambda s, h, r: s + h + r, _SCHEMES, st.text(_HOST_CHARS, max_size=12), st.text(_REST_CHARS, max_size=16)),
    st.text(max_size=30),
)


def _accepted_by_urlsplit(text: str) -> bool:
    """What parse_url accepted before its fast path: an http(s) address with a host and none of the characters it refuses."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not values._NOT_IN_URLS.search(text)


@settings(max_examples=3000, deadline=None)
@given(text=_ADDRESSES)
def test_a_plain_address_is_one_urlsplit_accepts(text: str):
    if values._PLAIN_URL.fullmatch(text):
        assert _accepted_by_urlsplit(text), text


@settings(max_examples=1000, deadline=None)
@given(text=_ADDRESSES)
def test_parse_url_accepts_what_urlsplit_accepts_and_nothing_else(text: str):
    try:
        accepted = _accepted_by_urlsplit(text.strip())
    except ValueError:  # urlsplit refuses it outright (a bracket in the host): so must parse_url
        accepted = False
    try:
        result = values.parse_url(text)
    except ValueError:
        assert not accepted, text
    else:
        assert accepted and result == text.strip(), text


def test_the_addresses_entries_hold_take_the_fast_path():
    for address in ("https://status.acme.test/", "https://acme.test/blog/2026/11/20/post-mortem?utm=x#cause",
                    "http://127.0.0.1:8000/incidents/2026-11-20-outage/", "https://x.com/acme/status/1859"):
        assert values._PLAIN_URL.fullmatch(address), address
    for address in ("https://acme.test/a b", "https://ac\u00e9me.test/", "HTTPS://acme.test/", "https://[::1]/",
                    "https://user@acme.test/", "javascript://acme.test/"):
        assert not values._PLAIN_URL.fullmatch(address), address


def _channel_by_urlsplit(url: str) -> str:
    """How a post's channel was recognised before: from urlsplit's host and path."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    for channel, hosts in model._CHANNEL_HOSTS.items():
        if host in hosts:
            return channel
    return "mastodon" if "mastodon" in host or parts.path.startswith("/@") else "web"


_POST_HOSTS = st.sampled_from(["x.com", "WWW.X.COM", "twitter.com", "bsky.app", "linkedin.com", "www.linkedin.com",
                               "mastodon.social", "toot.Mastodon.example", "example.com:8080", "x.com:443", "user@x.com", "bsky.app.evil.test", "[::1]", ""])


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(st.builds(lambda s, h, r: s + h + r, st.sampled_from(["https://", "HTTP://", "hTTps://"]), _POST_HOSTS,
                                st.text(_REST_CHARS, max_size=16)), _ADDRESSES))
def test_a_posts_channel_is_the_one_urlsplit_gives(text: str):
    try:
        url = values.parse_url(text)
    except ValueError:
        return  # not an address a post can have
    assert model.channel_of_url(url) == _channel_by_urlsplit(url), url


def test_posts_channels_by_their_host():
    assert [model.channel_of_url(u) for u in ("https://x.com/a/status/1", "https://www.linkedin.com/posts/x", "https://bsky.app/profile/a",
                                                "https://fosstodon.org/@acme/1", "https://acme.test/blog", "")] == \
        ["x", "linkedin", "bluesky", "mastodon", "web", "web"]
