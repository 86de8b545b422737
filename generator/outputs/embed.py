"""The embeddable widget: one small standalone page for an <iframe> on a
company's own site, showing the overall status and what is open right now.

No JavaScript, no external assets (inline CSS only): it loads inside other
people's pages, often under a strict Content-Security-Policy. Links open in
the top window (target=_top), not inside the frame.
"""

from __future__ import annotations

from typing import Iterable

from generator.outputs import urls
from generator.outputs.badges import INDICATOR_COLOUR
from generator.outputs.files import GeneratedFile
from generator.outputs.templating import TEMPLATES


def render_embed(r) -> Iterable:
    """Producer for site.PRODUCERS: /embed/index.html."""

    report = r.report
    # Open incidents, then maintenance under way: what affects customers now.
    entries = [*report.open_incidents, *report.active_maintenance]
    html = TEMPLATES.get_template("embed.html.j2").render(r.context(urls.EMBED, entries=entries, colours=INDICATOR_COLOUR))
    yield GeneratedFile(urls.EMBED + "index.html", html.encode("utf-8"))
