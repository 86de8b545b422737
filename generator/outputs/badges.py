"""Status badges: shields-style SVG files and shields.io "endpoint" JSON.

A badge is label + status word + colour, drawn flat like shields.io's: it can
go into a README, a wiki or an intranet page without a running service.

Text width. A badge must be as wide as its text, and a static build cannot
ask a browser. pybadges (the usual Python library) was considered and not
used: it imports ``imghdr`` (removed in Python 3.13) and ``pkg_resources``
(deprecated, gone from new setuptools), pulls in requests, ships a 200 KB
width file and draws no ``role``/``aria-label``. Instead, :data:`ADVANCE`
below holds the advance widths of printable ASCII in DejaVu Sans (the first
font the badge asks for) at font-size 110, read from the font's ``hmtx``
table (units per em 2048, rounded); the text is drawn at scale 0.1, i.e.
11 px. Other characters count as the widest ASCII glyph, so a box is never
too narrow, and ``textLength`` makes the text fill its box exactly whatever
font the viewer has.
"""

from __future__ import annotations

import hashlib
from typing import Iterable
from fractions import Fraction

from markupsafe import Markup

from generator.facts.derive import StatusReport
from generator.facts.uptime import WINDOW_DAYS, uptime
from generator.input.values import ComponentStatus
from generator.outputs import urls
from generator.outputs.api import to_json
from generator.outputs.files import GeneratedFile
from generator.outputs.i18n import gettext as _, ngettext
from generator.outputs.numbers import availability_percent
from generator.outputs.words import indicator_sentence, label

# fmt: off
ADVANCE: dict[str, int] = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (35, 44, 51, 92, 70, 105, 86, 30, 43, 43, 55, 92, 35, 40, 35, 37, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70,
     37, 37, 92, 92, 92, 58, 110, 75, 75, 77, 85, 70, 63, 85, 83, 32, 32, 72, 61, 95, 82, 87, 66, 87, 76, 70,
     67, 81, 75, 109, 75, 67, 75, 43, 37, 43, 92, 55, 55, 67, 70, 60, 70, 68, 39, 70, 70, 31, 31, 64, 31, 107,
     70, 67, 70, 70, 45, 57, 43, 70, 65, 65, 90, 65, 65, 58, 70, 37, 70, 92),
))
# fmt: on
WIDEST = max(ADVANCE.values())

#: Colours of the status part. Shields' hues, darkened until white text on
#: them reaches a 4.5:1 contrast (WCAG AA), so the words stay readable.
LABEL_COLOUR = "#555555"
INDICATOR_COLOUR = {
    "none": "#2e7d32",
    "minor": "#8a6500",
    "major": "#c2410c",
    "critical": "#b91c1c",
    "maintenance": "#1d4ed8",
}
COMPONENT_COLOUR = {
    ComponentStatus.operational: INDICATOR_COLOUR["none"],
    ComponentStatus.degraded_performance: INDICATOR_COLOUR["minor"],
    ComponentStatus.partial_outage: INDICATOR_COLOUR["major"],
    ComponentStatus.major_outage: INDICATOR_COLOUR["critical"],
    ComponentStatus.under_maintenance: INDICATOR_COLOUR["maintenance"],
}


def text_width(text: str) -> int:
    """Width of ``text`` in tenths of a pixel at 11 px."""
    return sum(ADVANCE.get(char, WIDEST) for char in text)


_SVG = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{title}">'
    "<title>{title}</title>"
    '<linearGradient id="s{uid}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
    '<stop offset="1" stop-opacity=".1"/></linearGradient>'
    '<clipPath id="r{uid}"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
    '<g clip-path="url(#r{uid})"><rect width="{left}" height="20" fill="{label_colour}"/>'
    '<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
    '<rect width="{width}" height="20" fill="url(#s{uid})"/></g>'
    '<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" '
    'text-rendering="geometricPrecision" font-size="110" aria-hidden="true">'
    '<text x="{label_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{label_len}">{label}</text>'
    '<text x="{label_x}" y="140" transform="scale(.1)" textLength="{label_len}">{label}</text>'
    '<text x="{message_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{message_len}">{message}</text>'
    '<text x="{message_x}" y="140" transform="scale(.1)" textLength="{message_len}">{message}</text>'
    "</g></svg>\n"
)


def badge_svg(label_text: str, message: str, colour: str) -> bytes:
    """A flat shields-style badge; readable by screen readers as 'label: message'."""
    label_len, message_len = text_width(label_text), text_width(message)
    left = round(label_len / 10) + 10  # 5 px padding each side
    right = round(message_len / 10) + 10
    # Ids unique per badge: several badges inlined in one page must not share a clip path.
    uid = hashlib.sha256(f"{label_text}\0{message}".encode()).hexdigest()[:8]
    svg = _SVG.format(
        uid=uid, width=left + right, left=left, right=right, label_colour=LABEL_COLOUR, colour=colour,
        title=f"{label_text}: {message}", label=label_text, message=message,
        label_x=left * 5, label_len=label_len, message_x=left * 10 + right * 5, message_len=message_len,
    )
    return str(svg).encode("utf-8")


def endpoint_json(label_text: str, message: str, colour: str) -> bytes:
    """What shields.io's endpoint badge reads: https://img.shields.io/endpoint?url=<this file's address>."""
    return to_json({"schemaVersion": 1, "label": label_text, "message": message, "color": colour})


def status_badge_parts(report: StatusReport) -> tuple[str, str, str]:
    # Translators: the left part of the site's status badge (lowercase, as shields.io badges are).
    return _("status"), indicator_sentence(report.indicator), INDICATOR_COLOUR[report.indicator]


def component_badge_parts(report: StatusReport, component_id: str) -> tuple[str, str, str]:
    status = report.components[component_id].status
    return report.site.component(component_id).name, label(status), COMPONENT_COLOUR[status]


#: The 90-day figure's colour: shields.io's usual uptime steps, in the contrast-checked hues above.
UPTIME_STEPS = ((Fraction(999, 1000), INDICATOR_COLOUR["none"]), (Fraction(99, 100), INDICATOR_COLOUR["minor"]),
                (Fraction(95, 100), INDICATOR_COLOUR["major"]))
NO_DATA_COLOUR = "#6b7280"


def component_uptime_badge_parts(report: StatusReport, component_id: str) -> tuple[str, str, str]:
    """'<component> 90 days' and the window's availability, e.g. '99.95%' (uptime.badge_text's rounding)."""
    history = uptime(report)[component_id]
    availability = history.availability
    if availability is None:
        colour = NO_DATA_COLOUR
    else:
        colour = next((c for floor, c in UPTIME_STEPS if availability >= floor), INDICATOR_COLOUR["critical"])
    # Translators: the left part of a component's uptime badge: its name and the window.
    window = ngettext("%(component)s %(days)d day", "%(component)s %(days)d days", WINDOW_DAYS) % {
        "component": report.site.component(component_id).name, "days": WINDOW_DAYS}
    # Translators: an uptime badge's figure when no day of the window has data (lowercase).
    figure = _("no data") if availability is None else availability_percent(availability)
    return window, figure, colour


def render_badges(r) -> Iterable:
    """Producer for site.PRODUCERS: the site badge and one per component, SVG and JSON."""
    parts = status_badge_parts(r.report)
    yield GeneratedFile(urls.BADGE_STATUS_SVG, badge_svg(*parts))
    yield GeneratedFile(urls.BADGE_STATUS_JSON, endpoint_json(*parts))
    for component in r.site.components:
        parts = component_badge_parts(r.report, component.id)
        yield GeneratedFile(urls.component_badge_svg(component.id), badge_svg(*parts))
        yield GeneratedFile(urls.component_badge_json(component.id), endpoint_json(*parts))
        parts = component_uptime_badge_parts(r.report, component.id)
        yield GeneratedFile(urls.component_uptime_badge_svg(component.id), badge_svg(*parts))
        yield GeneratedFile(urls.component_uptime_badge_json(component.id), endpoint_json(*parts))

