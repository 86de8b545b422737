"""Link-preview card images: one 1200×630 PNG per incident, one for the site.

What a card shows is decided in :mod:`generator.outputs.social` (a :class:`Card`);
this module only lays it out and draws it, with Pillow and the DejaVu Sans
fonts shipped in ``assets/fonts`` (no network, no system fonts).

Rules the drawing keeps:

- Text never leaves the card and is never cut mid-glyph: it is wrapped at
  spaces by measured width, and what does not fit in the allowed lines ends
  in an ellipsis. A single word wider than a line is split between
  characters (never before a combining mark).
- Characters the font lacks degrade sanely: emoji and other pictographs are
  left out, anything else missing shows as U+FFFD.
- Same card → same bytes: basic (non-raqm) layout, which is in every Pillow
  build, and a PNG without time or text chunks (:mod:`generator.outputs.pngfile`).
- A card is drawn only when what it shows changed: PNGs are cached on disk
  under a hash of their content (see :func:`use_cache_dir`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

from generator.outputs.pngfile import encode_png, encoder_version

log = logging.getLogger("mkdocs.plugins.frankly")

# Pillow hands a freed image's memory back to malloc unless told to keep some blocks
# (its documented block allocator): a card's 3 MB canvas was then mapped and faulted
# in anew for every card, ~10 % of drawing one in a build.
if Image.core.get_blocks_max() < 2:
    Image.core.set_blocks_max(2)

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
#: Part of the cache key: raise it whenever the drawing below changes, so
#: cached cards from an older layout are not reused.
LAYOUT_VERSION = 3  # 2: zlib level 3 (PNG_COMPRESS_LEVEL); 3: unfiltered rows, zlib-ng (encode_png)

FONT_DIR = Path(__file__).parent / "assets" / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
ELLIPSIS = "…"

BACKGROUND = "#ffffff"
INK = "#1f2328"
MUTED = "#57606a"
RULE = "#d0d7de"


@dataclass(frozen=True)
class Pill:
    """A coloured label; its words carry the meaning, the colour reinforces it."""

    text: str
    colour: str


@dataclass(frozen=True)
class Card:
    """Everything one card shows: also the cache key, so keep it complete."""

    eyebrow: str  # company, kind
    title: str
    pills: tuple[Pill, ...]
    details: tuple[str, ...]  # e.g. affected components, start and duration
    footer: str  # the site's host
    accent: str  # colour of the side bar


@dataclass
class DrawnText:
    """Where one piece of text landed: lets tests prove nothing left the card."""

    text: str
    box: tuple[int, int, int, int]


@dataclass
class CardStats:
    drawn: int = 0
    reused: int = 0
    used_keys: set[str] = field(default_factory=set)

    def copy(self) -> "CardStats":
        return CardStats(self.drawn, self.reused, set(self.used_keys))

    def since(self, before: "CardStats") -> "CardStats":
        """What happened after ``before`` (a copy): a worker process's share of the build."""
        return CardStats(self.drawn - before.drawn, self.reused - before.reused, self.used_keys - before.used_keys)

    def add(self, other: "CardStats") -> None:
        self.drawn += other.drawn
        self.reused += other.reused
        self.used_keys |= other.used_keys


#: Counts of the current build; reset by :func:`begin_build`.
stats = CardStats()
_cache_dir: Path | None = None
#: Keys drawn ahead of the build by other processes (:func:`draw_into_cache`): counted as drawn.
_drawn_ahead: set[str] = set()


def use_cache_dir(path: Path | None) -> None:
    """Keep drawn cards in ``path`` (normally .cache/frankly/cards beside mkdocs.yml); None: no cache."""
    global _cache_dir
    _cache_dir = path


def cache_dir() -> Path | None:
    return _cache_dir


def begin_build() -> None:
    global stats
    stats = CardStats()
    _drawn_ahead.clear()


def missing(wanted: "list[Card]") -> "list[Card]":
    """The cards of ``wanted`` not in the cache yet, each once (none without a cache)."""
    if _cache_dir is None:
        return []
    found: dict[str, Card] = {}
    for card in wanted:
        key = cache_key(card)
        if key not in found and not (_cache_dir / f"{key}.png").is_file():
            found[key] = card
    return list(found.values())


def draw_into_cache(job: "tuple[str, Card]") -> str:
    """Draw one card into the cache folder ``job[0]``; its key. Runs in another process
    (a pool of the publication's), so the build's cards are drawn on every core."""
    folder, card = job
    key = cache_key(card)
    _write_atomically(Path(folder) / f"{key}.png", draw(card)[0])
    return key


def drawn_ahead(keys: "set[str]") -> None:
    """Cards just drawn into the cache by other processes: counted as drawn when used."""
    _drawn_ahead.update(keys)


def end_build() -> None:
    """Report the counts and drop cached cards this build no longer shows."""
    log.info("Cards: %d drawn, %d reused from the cache", stats.drawn, stats.reused)
    if _cache_dir is None or not _cache_dir.is_dir():
        return
    for cached in _cache_dir.glob("*.png"):
        if cached.stem not in stats.used_keys:
            cached.unlink(missing_ok=True)


def card_output(card: Card) -> Path | bytes:
    """The card's cached PNG file, drawn first if the same card was never drawn;
    without a cache folder, the PNG bytes. A path keeps the image out of memory:
    at 3,000 incidents, holding every card's bytes cost about 150 MB."""
    key = cache_key(card)
    stats.used_keys.add(key)
    cached = _cache_dir / f"{key}.png" if _cache_dir is not None else None
    if cached is not None and _readable_cached(cached):
        if key in _drawn_ahead:
            stats.drawn += 1
        else:
            stats.reused += 1
        return cached
    drawn, _ = draw(card)
    stats.drawn += 1
    if cached is None:
        return drawn
    _write_atomically(cached, drawn)
    return cached


#: Output files are read by whichever user serves the site.
_PUBLISHED_MODE = 0o644


def _readable_cached(cached: Path) -> bool:
    """Whether the cached card exists; made readable by all if an earlier version
    cached it owner-only (the site links to it, and a web server must read it)."""
    try:
        mode = cached.stat().st_mode
    except OSError:
        return False
    if mode & _PUBLISHED_MODE != _PUBLISHED_MODE:
        cached.chmod(_PUBLISHED_MODE)
    return True


def cache_key(card: Card) -> str:
    material = json.dumps(
        {"card": asdict(card), "layout": LAYOUT_VERSION, "pillow": PIL.__version__, "png": encoder_version(),
         "fonts": _font_digest()},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _write_atomically(target: Path, content: bytes) -> None:
    """Two builds at once never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.fchmod(handle, _PUBLISHED_MODE)  # mkstemp makes owner-only files; the site links to this one
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, target)


@lru_cache(maxsize=1)
def _font_digest() -> str:
    digest = hashlib.sha256()
    for font in (REGULAR, BOLD):
        digest.update(font.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- drawing


@lru_cache(maxsize=None)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points both shipped fonts can draw."""
    from fontTools.ttLib import TTFont

    sets = []
    for path in (REGULAR, BOLD):
        with TTFont(str(path), lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(sets[0] & sets[1])


_INVISIBLE = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}  # joiners and emoji presentation selectors


def drawable(text: str) -> str:
    """The text as the font can show it: no emoji, U+FFFD for other missing characters, one line."""
    covered = _covered()
    out = []
    for char in unicodedata.normalize("NFC", text):
        point = ord(char)
        if char in "\t\n\r\v\f" or unicodedata.category(char) == "Cc":
            out.append(" ")
        elif point in _INVISIBLE:
            continue  # joiners and selectors only glue emoji together, which are left out
        elif point in covered:
            out.append(char)
        elif 0x1F3FB <= point <= 0x1F3FF or unicodedata.category(char) in ("So", "Sk", "Mn", "Cf", "Cs", "Co"):
            continue  # pictographs, skin tones, joiners: leaving them out reads better than boxes
        else:
            out.append("\ufffd")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``; the last ends in … when text was left out."""
    lines: list[str] = []
    words = text.split(" ")
    current = ""
    overflow = False
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            index += 1
            continue
        if not current:  # one word wider than the line: split it between characters
            head = _longest_prefix(word, lambda part: font.getlength(part) <= width)
            current, words[index] = head, word[len(head):]
        if len(lines) + 1 == max_lines:
            overflow = True
            break
        lines.append(current)
        current = ""
    if current or not lines:
        lines.append(current)
    if overflow:
        lines[-1] = _with_ellipsis(lines[-1], font, width)
    return lines


def _with_ellipsis(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``line`` shortened at a space if possible, then …, within ``width``."""
    def fits(part: str) -> bool:
        return font.getlength(part.rstrip(" ,;:-–—") + ELLIPSIS) <= width

    words = line.split(" ")
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count])
        if fits(candidate):
            return candidate.rstrip(" ,;:-–—") + ELLIPSIS
    return _longest_prefix(words[0], fits) + ELLIPSIS


def _longest_prefix(word: str, fits) -> str:
    """The longest start of ``word`` that fits, cut only before a base character."""
    best = ""
    for end in range(1, len(word) + 1):
        if end < len(word) and unicodedata.combining(word[end]):
            continue
        if not fits(word[:end]):
            break
        best = word[:end]
    return best or word[:1]


@lru_cache(maxsize=256)
def _lines(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> tuple[str, ...]:
    """:func:`wrap` of :func:`drawable` text, once per process for the texts many cards share."""
    return tuple(wrap(drawable(text), font, width, max_lines))


#: 1,000 synthetic cards: 3,095 of 6,246 lines found with 128 masks kept, 3,376 with 512;
#: a mask is up to ~40 KB (a detail line), so 128 hold a few MB per process.
@lru_cache(maxsize=128)
def _stamp(line: str, font: ImageFont.FreeTypeFont) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """``line`` rendered once as a mask, and its box from where it is drawn: pasted
    through the mask in a colour, the same pixels as drawing it (tests/test_social.py).
    The glyphs' rendering was a third of a card's drawing, for lines most cards repeat."""
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(line))
    mask = Image.new("L", (max(x1 - x0, 1), max(y1 - y0, 1)), 0)
    ImageDraw.Draw(mask).text((-x0, -y0), line, font=font, fill=255)
    return mask, (x0, y0, x1, y1)


def draw(card: Card) -> tuple[bytes, list[DrawnText]]:
    """Lay out and draw ``card``; returns the PNG and where each text landed."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    placed: list[DrawnText] = []
    left, right = MARGIN + 24, WIDTH - MARGIN
    width = right - left

    def text(at: tuple[int, int], line: str, font, fill: str) -> None:
        pen.text(at, line, font=font, fill=fill)
        placed.append(DrawnText(line, tuple(int(v) for v in pen.textbbox(at, line, font=font))))

    def stamped(at: tuple[int, int], line: str, font, fill: str) -> None:
        """A line many cards share (the site's name, a pill, an affected component)."""
        mask, (x0, y0, x1, y1) = _stamp(line, font)
        pen.bitmap((at[0] + x0, at[1] + y0), mask, fill=fill)
        placed.append(DrawnText(line, (at[0] + x0, at[1] + y0, at[0] + x1, at[1] + y1)))

    pen.rectangle((0, 0, 20, HEIGHT), fill=card.accent)

    y = MARGIN - 8
    eyebrow_font = _font(BOLD, 30)
    for line in _lines(card.eyebrow, eyebrow_font, width, 1):
        stamped((left, y), line, eyebrow_font, MUTED)
        y += 44

    y += 12
    title = drawable(card.title)
    title_font, leading = _font(BOLD, 58), 72
    title_lines = wrap(title, title_font, width, 3)
    if len(title_lines) > 2:  # a long title gets a smaller size, not fewer words
        title_font, leading = _font(BOLD, 48), 60
        title_lines = wrap(title, title_font, width, 3)
    for line in title_lines:
        text((left, y), line, title_font, INK)
        y += leading

    y += 18
    pill_font = _font(BOLD, 30)
    x = left
    for pill in card.pills:
        label = _lines(pill.text, pill_font, width - 2 * 22, 1)[0]
        size = int(pill_font.getlength(label)) + 2 * 22
        if x > left and x + size > right:  # no room beside the previous pill: leave it out
            break
        pen.rounded_rectangle((x, y, x + size, y + 50), radius=25, fill=pill.colour)
        stamped((x + 22, y + 9), label, pill_font, "#ffffff")
        x += size + 16
    y += 50 + 26

    detail_font = _font(REGULAR, 28)
    footer_top = HEIGHT - MARGIN - 34
    for detail in card.details:
        room = (footer_top - 12 - y) // 38
        if room <= 0:
            break
        for line in _lines(detail, detail_font, width, min(2, room)):
            stamped((left, y), line, detail_font, INK)
            y += 38
        y += 6

    pen.line((left, footer_top - 6, right, footer_top - 6), fill=RULE, width=2)
    footer_font = _font(REGULAR, 26)
    for line in _lines(card.footer, footer_font, width, 1):
        stamped((left, footer_top + 6), line, footer_font, MUTED)

    return encode_png(image), placed
