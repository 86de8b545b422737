"""The Jinja environment of every page, feed and widget template, and the
helpers bound to one site that the templates call (:class:`Renderer`)."""

from __future__ import annotations

import json
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from functools import cached_property
from typing import Callable, TypeVar

import jinja2
from markdown.extensions.toc import slugify
from markupsafe import Markup, escape

from generator.facts.accountability import communication_of
from generator.facts.derive import StatusReport
from generator.facts.uptime import WINDOW_DAYS, truncated_hundredths, uptime
from generator.input.values import Kind
from generator.outputs import i18n, urls
from generator.outputs.i18n import gettext as _
from generator.outputs.editions import Edition, single
from generator.outputs.files import GeneratedPage, split_fragments
from generator.outputs.markup import render_markdown
from generator.outputs.uptime_bars import render_uptime_bars
from generator.outputs.timefmt import format_day, format_duration, format_moment, local_iso, time_tag
from generator.outputs.words import headline, impact_label, indicator_sentence, label

T = TypeVar("T")

#: The stylesheet the templates' markup needs; the publication adds it to every page.
STYLESHEET_FILE = Path(__file__).parent / "assets" / "frankly.css"
#: The one script the pages use: a promised next update judged by the reader's clock.
SCRIPT_FILE = Path(__file__).parent / "assets" / "frankly.js"


def heading_id(english: str, anchor: str) -> Markup:
    """`` id="<anchor>"`` for the block under a Markdown heading whose English text
    (``english``, its msgid) makes ``anchor``, once that heading is translated into words
    that make another one: links to ``#apology`` or ``#in-a-feed-reader`` (the page's
    own, the feeds') keep working in every language. Nothing in English, whose
    heading keeps making the anchor."""
    if slugify(i18n.gettext(english), "-") == anchor:
        return Markup("")
    return Markup(f' id="{escape(anchor)}"')


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every {{ }} is escaped unless it is Markup we made
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # otherwise every get_template() stats the file: 1 s per 300 pages
        extensions=["jinja2.ext.i18n"],  # {% trans %} and _(): the catalogs of generator/outputs/i18n.py
    )
    # The language being published is i18n's context variable, so one environment
    # (and one compiled template each) serves every language of a site.
    env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's msgid is its text on one line
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    # Jinja's newstyle callables take the context to find the language and resolve `_` by
    # name on each call; ours read the context variable, so the same semantics cost a third
    # (~190 calls a page). Installed over Jinja's, names and compiled code unchanged.
    env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext, pgettext=_pgettext)
    env.filters["label"] = _per_language(label)
    env.filters["impact"] = _per_language(impact_label)
    env.filters["md"] = render_markdown
    env.filters["md_line"] = _markdown_line
    env.filters["duration"] = _per_language(format_duration)
    env.filters["meta"] = _front_matter_value
    env.globals["heading_id"] = heading_id
    env.globals["communication"] = communication_of  # the entry's accountability figures (facts/accountability.py)
    return env


def _formatted(text: str, variables: dict) -> Markup:
    """As Jinja's newstyle gettext: a translation is markup (autoescape is on), the variables
    are escaped into it unless Markup, and '%%' is a percent sign."""
    rv = Markup(text)
    return rv % variables if "%" in rv else rv


def _gettext(message: str, **variables) -> Markup:
    return _formatted(i18n.gettext(message), variables)


def _ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return _formatted(i18n.ngettext(singular, plural, num), variables)


def _pgettext(context: str, message: str, **variables) -> Markup:
    variables.setdefault("context", context)
    return _formatted(i18n.pgettext(context, message), variables)


def _per_language(words: Callable) -> Callable:
    """A filter whose result depends on the language being published. Jinja's optimizer
    calls a filter on a constant (`{{ "all-time" | label }}`) once, when compiling, and
    the compiled template (kept in .cache/frankly/jinja) would say it in that language
    for ever after; a filter that takes the context cannot be folded."""

    @jinja2.pass_context
    def filter_(context, value, *args):
        return words(value, *args)

    return filter_


def _markdown_line(text: str) -> Markup:
    """One line of Markdown as inline HTML: rendered and sanitized like any text, its paragraph taken off."""
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def _front_matter_value(text: str) -> Markup:
    """A value for page front matter. Material prints meta values raw (the
    theme does not autoescape), so they are HTML-escaped here, then quoted as
    a JSON string, which is valid YAML. Markup: already safe for this template."""
    if isinstance(text, Markup):  # a translated sentence (its variables escaped): its text, escaped once here
        text = text.unescape()
    return Markup(json.dumps(str(escape(text)), ensure_ascii=False))


#: The one Jinja environment of every page, feed and widget template.
TEMPLATES = _environment()


def _hundredths(availability: Fraction | None) -> int | None:
    return None if availability is None else truncated_hundredths(availability)


class Renderer:
    """Shared helpers bound to one site; templates call them."""

    def __init__(self, report: StatusReport, edition: Edition | None = None, following: "Renderer | None" = None):
        """``following``: the renderer of the save before, when `serve` republishes a save: what
        it made of inputs that have not changed is taken over (:meth:`carried`)."""
        self.report = report
        self.site = report.site
        self.zone = report.site.time_zone
        #: Which language's copy of the site this renders (editions.py); a one-language site has one.
        self.edition = edition or single(report.site.language, report.site.base)
        self.language = self.edition.language
        self._shared: dict[Callable, object] = {}
        self._strips: dict[tuple, Markup] = {}
        #: What :meth:`carried` made in this save (name -> (inputs, value)), and in the save before.
        self._made: dict[object, tuple] = {}
        same = following is not None and following.site is self.site and following.language == self.language
        self._made_before: dict[object, tuple] = following._made if same else {}  # type: ignore[union-attr]

    def shared(self, factory: Callable[["Renderer"], T]) -> T:
        """The one helper of this build made by ``factory`` (a feed builder, the API):
        site-wide outputs and each entry's outputs use the same one."""
        if factory not in self._shared:
            self._shared[factory] = factory(self)
        return self._shared[factory]  # type: ignore[return-value]

    def when_text(self, moment: datetime) -> str:
        """A moment as plain text in the site's zone and language, with its UTC offset."""
        return format_moment(moment, self.zone, self.language)

    def context(self, here: str, **values) -> dict:
        def href(to: str) -> str:
            return self.edition.href(here, to)

        return {
            "site": self.site,
            "report": self.report,
            "here": here,
            "href": href,
            "urls": urls,
            "edition": self.edition,
            "lang_of": self.lang_of,
            "headline": lambda: headline(self.report.indicator, self.report.broken_components),
            "indicator_sentence": indicator_sentence,
            "original_language": self.original_language,
            "when": lambda moment: time_tag(moment, self.zone, self.language),
            "when_text": self.when_text,
            "day": lambda value: format_day(value, self.language),
            "iso": lambda moment: local_iso(moment, self.zone),
            "badge": badge,
            "component_name": lambda cid: self.site.component(cid).name,
            "uptime_strip": lambda key, days=WINDOW_DAYS, links=True: self.uptime_strip(here, key, days, links),
            "entry_row": lambda f: self.entry_row(here, f),
            "history_row": lambda f: self.history_row(here, f),
            "Kind": Kind,
            **values,
        }

    def lang_of(self, obj, field: str) -> Markup:
        """' lang="en"' on a text shown in the default language because this language has none
        (readers' tools pronounce and hyphenate it right); nothing otherwise."""
        if field in getattr(obj, "untranslated", ()):
            return Markup(f' lang="{escape(self.edition.default)}"')
        return Markup("")

    @cached_property  # a context is made for every page: Babel's names once a build
    def original_language(self) -> str:
        """The default language's name in this edition's, as in a sentence ('anglais', 'English')."""
        return i18n.language_name(self.edition.default, self.edition.language, sentence=True)

    def uptime_strip(self, here: str, key: str, days: int = WINDOW_DAYS, links: bool = True) -> Markup:
        """The uptime strip of a component (its id) or a group ('group:<name>'), as on the
        home page (``links=False``: its size stays the same however busy the history) or a
        component's page (each day with entries links to the first of them)."""
        memo = (here, key, days, links)
        if memo not in self._strips:  # a component page's strips are also what its LaterPage shows (pages.py)
            history = uptime(self.report, days)[key]
            by_slug = self.report.by_slug
            # What the strip reads besides the history: the kind of each entry it counts (uptime_bars._entries_text).
            kinds = tuple(by_slug[slug].incident.kind if slug in by_slug else None for day in history.days for slug in day.entries)
            # All the strip shows (uptime_bars.render_uptime_bars): figures as printed, in hundredths, not the
            # exact fractions, whose judging day's seconds grow with the clock in every history while anything is open.
            shown = (history.name, history.is_group, _hundredths(history.availability),
                     tuple((d.date, d.worst, _hundredths(d.availability), d.entries) for d in history.days), kinds)
            self._strips[memo] = self.carried(("uptime strip", *memo), shown, lambda: self._uptime_strip(here, history, links))
        return self._strips[memo]

    def carried(self, name: object, inputs: object, make: Callable[[], T]) -> T:
        """``make()``, or what the save before (``following``) made under ``name`` from inputs equal
        to ``inputs``: for a site-wide part whose inputs are cheap to compare and dear to render
        (an uptime strip, a feed's bytes), in the saves `serve` republishes. A whole build has
        no save before, so it renders everything."""
        before = self._made_before.get(name)
        value = before[1] if before is not None and before[0] == inputs else make()
        self._made[name] = (inputs, value)
        return value

    def _uptime_strip(self, here: str, history, links: bool) -> Markup:
        entries = {d.date: d.entries for d in history.days if d.entries} if links else {}

        def link_for_day(day) -> str | None:
            return urls.relative(here, urls.incident(entries[day][0])) if day in entries else None

        return render_uptime_bars(history, language=self.language, facts=self.report.by_slug,
                                  link_for_day=link_for_day, definition_url=urls.relative(here, urls.COMPONENTS) + "#uptime")

    # ---- one entry in a list: ~30,000 rows on the history and component pages at 10,000
    # entries, written here rather than as Jinja macros (a third of their time).

    def _row_meta(self, f) -> str:
        """' · lasted 2 h' / ' · scheduled' / ' · cancelled' / ' · ongoing' (escaped)."""
        # The msgids stay outside f-strings, where Babel's extractor (make catalogs) sees them.
        duration = f.duration
        if duration is not None:
            words = _formatted(_("lasted %(duration)s"), {"duration": format_duration(duration)})
        elif f.is_upcoming:
            words = _formatted(_("scheduled"), {})
        elif f.is_cancelled:
            words = _formatted(_("cancelled"), {})
        else:
            words = _formatted(_("ongoing"), {})
        return " · " + str(words)

    def entry_row(self, here: str, f) -> Markup:
        """One line for an entry in any list (home, component pages): title, kind, start, duration, status."""
        incident, kind = f.incident, f.incident.kind.value
        return Markup(
            f'<li class="frankly-entry frankly-entry--{escape(kind)}"><a href="{escape(self.edition.href(here, urls.incident(f.slug)))}">'
            f'{escape(incident.title)}</a> <span class="frankly-entry__meta">{escape(label(kind))} · '
            f'{time_tag(f.started_at, self.zone, self.language)}{self._row_meta(f)}</span> {badge(f.status)}</li>')

    def history_row(self, here: str, f) -> Markup:
        """One entry in the history: title, status, impact, start, duration and its summary's first line."""
        incident, kind = f.incident, f.incident.kind.value
        impact = "" if incident.kind is Kind.notice else f" · {escape(impact_label(incident.impact.value))}"
        summary = f.summary_first_line
        summary = f'<span class="frankly-entry__summary">{_markdown_line(summary)}</span>' if summary else ""
        return Markup(
            f'<li class="frankly-entry frankly-entry--{escape(kind)}"><span class="frankly-entry__head"><a href="'
            f'{escape(self.edition.href(here, urls.incident(f.slug)))}">{escape(incident.title)}</a> {badge(f.status)}</span>'
            f' <span class="frankly-entry__meta">{escape(label(kind))}{impact} · {time_tag(f.started_at, self.zone, self.language)}'
            f'{self._row_meta(f)}</span>{summary}</li>')

    def page(self, template: str, url: str, **values) -> GeneratedPage:
        markdown, fragments = split_fragments(TEMPLATES.get_template(template).render(self.context(url, **values)))
        return GeneratedPage(url, markdown, fragments)


def badge(status: str, words: str | None = None) -> Markup:
    """Status in colour *and* words, so it reads without colour too (``words``: other
    words than the status's own, e.g. an action item's "Done", already translated)."""
    # f-string + escape: Markup.format costs ~50 us a call, and this runs ~10 times per page.
    words = label(status) if words is None else words
    return Markup(f'<span class="frankly-badge frankly-badge--{escape(status)}">{escape(words)}</span>')

