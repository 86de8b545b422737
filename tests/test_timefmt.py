"""format_moment builds its text from parts; it must say what babel's pattern says,
except where babel is wrong: its 'xxx' turns -03:30 (Newfoundland) into -04:30."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime

from generator.outputs.timefmt import MOMENT_PATTERN, format_moment

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"]
LANGUAGES = ["en", "en_GB", "de", "fr", "ja", "ar", "hi", "pt_BR", "zh_Hant"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_format_moment_agrees_with_babel(language):
    start = datetime(2025, 1, 1, 0, 7, tzinfo=timezone.utc)
    moments = [start + timedelta(hours=7 * n, minutes=13 * n) for n in range(0, 1300, 7)]  # through DST changes, every month
    for name in ZONES:
        zone = ZoneInfo(name)
        for moment in moments:
            day_and_clock = format_datetime(moment, "d MMM y, HH:mm", tzinfo=zone, locale=language)
            offset = moment.astimezone(zone).isoformat()[-6:]  # the offset Python computes, '-03:30'
            assert format_moment(moment, zone, language) == f"{day_and_clock} UTC{offset}", (moment, name)
            if not offset.startswith("-") or offset.endswith(":00"):
                assert format_moment(moment, zone, language) == format_datetime(moment, MOMENT_PATTERN, tzinfo=zone, locale=language)


def test_a_negative_half_hour_offset_is_written_as_it_is():
    moment = datetime(2025, 1, 1, 0, 7, tzinfo=timezone.utc)
    assert format_moment(moment, ZoneInfo("America/St_Johns"), "en") == "31 Dec 2024, 20:37 UTC-03:30"


@pytest.mark.parametrize("name, year", [("Africa/Monrovia", 1960), ("Europe/Amsterdam", 1935), ("America/New_York", 1880),
                                        ("Asia/Kolkata", 1900), ("Pacific/Kiritimati", 2026), ("America/Caracas", 2010)])
def test_offsets_with_seconds_or_far_from_utc_are_cut_to_minutes_as_strftime_does(name, year):
    """Local mean times before 1900 (-00:44:30 in Monrovia until 1972) and offsets of +14:00."""
    zone = ZoneInfo(name)
    for month in range(1, 13, 3):
        local = datetime(year, month, 15, 23, 59, tzinfo=timezone.utc).astimezone(zone)
        offset = local.strftime("%z")
        expected = f"{format_datetime(local, 'd MMM y, HH:mm', tzinfo=zone, locale='en')} UTC{offset[:3]}:{offset[3:5]}"
        assert format_moment(local, zone, "en") == expected, local
