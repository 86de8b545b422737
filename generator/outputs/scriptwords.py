"""The words assets/frankly.js writes on a page (an overdue promise, the reader's
own time), in the page's language: a JSON block in <head> the script reads.
An English page gets none (the script's own words), so it stays as it was."""

from __future__ import annotations

import json

from markupsafe import Markup

from generator.outputs.i18n import N_, gettext

#: The script's keys and their msgids (the first three are the durations' of timefmt.py).
SCRIPT_WORDS = {
    "days": N_("%(days)d d"),
    "hours": N_("%(hours)d h"),
    "minutes": N_("%(minutes)d min"),
    # Translators: the leading space separates it from the promise it follows.
    "overdue": N_(" Overdue by %(span)s."),
    # Translators: a time (and day) in the reader's own time zone, shown in brackets after the site's.
    "yours": N_("%(time)s your time"),
}


def script_words() -> Markup:
    words = {key: gettext(msgid) for key, msgid in SCRIPT_WORDS.items()}
    if all(words[key] == msgid for key, msgid in SCRIPT_WORDS.items()):
        return Markup("")
    # "<" escaped: the JSON can never close the script element.
    text = json.dumps(words, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return Markup(f'<script type="application/json" id="frankly-words">{text}</script>')
