"""How much one input file may hold: limits generous for real incidents, far
below what would exhaust the machine.

The largest real incident files are a few tens of kilobytes, nest five levels
deep and hold a few hundred values; a long postmortem is some 30,000
characters. Each limit is one to two orders of magnitude above that, and each
crossing is a ``FILE:LINE:COL`` problem that says the limit and where it was
crossed, never a crash, a hang or memory without end.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: Bytes in one file (site.yaml or an incident): 1 MiB, some 150,000 words.
    file_bytes: int = 1024 * 1024
    #: Characters in one text value (a message, a postmortem): about 50 pages.
    text_chars: int = 200_000
    #: Lists and mappings inside each other; incident files use five.
    depth: int = 32
    #: Items of one list or mapping (updates of one incident, components of the site).
    items: int = 10_000
    #: Values in one file, each alias (*name) counted as everything it repeats.
    nodes: int = 100_000
    #: Digits of one number: every number Frankly reads is small.
    number_digits: int = 18


LIMITS = Limits()
