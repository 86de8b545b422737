"""The card images a build lacks, drawn on every core, starting while mkdocs renders.

A first build is mostly card images (~4 ms each). From ``on_files`` to
``on_post_build`` this process renders the site-wide outputs and mkdocs its own
pages, on one core: the other was idle. So a forked process starts drawing the
missing cards there and then, into the card cache. In ``on_post_build`` this
process tells it to stop after the card it is drawing (it closes the pipe the
drawer watches), and draws the cards still missing on every core
(:func:`generator.workers.map_anywhere`). Entries then find their cards cached;
a card still missing (a drawer failed) is drawn by its entry as before.

While serving, the dev server's threads make forking unsafe: every card is then
drawn in ``on_post_build``, in spawned processes.
"""

from __future__ import annotations

import os
import select
from pathlib import Path
from typing import TYPE_CHECKING

from generator.outputs import cards
from generator.outputs.site import cards_to_draw
from generator.publication.output_cache import OutputCache
from generator.workers import can_fork, map_anywhere, usable_cpus

if TYPE_CHECKING:
    from generator.outputs.templating import Renderer

#: Below this many missing cards, drawing them where they are needed costs less than processes.
DRAW_AHEAD_FROM = 60


class CardsAhead:
    """The missing cards of one build, drawn by a forked process from the start."""

    def __init__(self, renderer: "Renderer", output_cache: OutputCache | None):
        self._folder = cards.cache_dir()
        self._to_draw: list[cards.Card] = []
        self._pid: int | None = None  # the drawer, which stops when self._stop is closed
        self._stop = -1
        if self._folder is None or usable_cpus() < 2:
            return
        try:
            cached = len(os.listdir(self._folder))
        except OSError:
            cached = 0
        entries = renderer.report.entries
        if len(entries) - cached < DRAW_AHEAD_FROM:  # a quick bound first: most builds find every card cached
            return
        to_draw = cards_to_draw(renderer, [e for e in entries if output_cache is None or not output_cache.has(e.slug)])
        if len(to_draw) < DRAW_AHEAD_FROM:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        self._to_draw = to_draw
        if can_fork():
            self._pid, self._stop = _start_drawing(self._folder, to_draw)

    def finish(self) -> None:
        """Stop the drawer, draw the cards still missing on every core; count them all as drawn."""
        self._stop_drawer()
        if not self._to_draw:
            return
        jobs = [(str(self._folder), card) for card in cards.missing(self._to_draw)]
        map_anywhere(cards.draw_into_cache, jobs, usable_cpus())  # raises if a card could not be drawn
        cards.drawn_ahead({cards.cache_key(card) for card in self._to_draw})  # all missing when the build began
        self._to_draw = []

    def cancel(self) -> None:
        """The build failed: the drawer stops after its card (what is drawn stays cached, whole)."""
        self._stop_drawer()

    def _stop_drawer(self) -> None:
        if self._pid is not None:
            os.close(self._stop)
            os.waitpid(self._pid, 0)
            self._pid = None


def _start_drawing(folder: Path, to_draw: list[cards.Card]) -> tuple[int, int]:
    """A forked process drawing ``to_draw`` into ``folder`` until the pipe it watches is
    closed, by this process or by its end (a killed build); its pid and the pipe's end."""
    watched, stop = os.pipe()
    pid = os.fork()
    if pid:
        os.close(watched)
        return pid, stop
    code = 0
    try:
        os.close(stop)  # only this process's copy holds the pipe open
        for card in to_draw:
            if select.select([watched], [], [], 0)[0]:  # closed: stop here
                break
            cards.draw_into_cache((str(folder), card))
    except BaseException:  # the cards it did not draw are drawn by finish() or their entries
        code = 1
    finally:
        os._exit(code)
