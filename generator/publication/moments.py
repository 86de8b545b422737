"""The moment a build judges open entries at, from its environment."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from mkdocs.exceptions import PluginError


def judging_moment(serving: bool, epoch_is_ours: bool) -> datetime | None:
    """The moment open entries are judged at: FRANKLY_NOW (`frankly build --now`,
    as the shipped workflow's scheduled builds give it), a SOURCE_DATE_EPOCH of
    the caller's (not one a build set from the data: ``epoch_is_ours``), or the
    clock while ``serving``. None: each entry at its own latest change, so the
    same input gives the same bytes."""
    text = os.environ.get("FRANKLY_NOW", "").strip()
    if text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise PluginError(f"FRANKLY_NOW: '{text}' is not a time with its UTC offset, e.g. 2026-11-23T15:00:00+01:00")
        return moment
    if "SOURCE_DATE_EPOCH" in os.environ and not epoch_is_ours:
        try:
            return datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise PluginError(f"SOURCE_DATE_EPOCH: '{os.environ['SOURCE_DATE_EPOCH']}' is not a number of seconds") from None
    return datetime.now(timezone.utc).replace(microsecond=0) if serving else None
