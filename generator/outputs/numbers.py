"""Numbers inside sentences, in the language being published (babel): '99.95%'
in English, '99,95 %' in French."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from babel import Locale
from babel.numbers import format_decimal, format_percent

from generator.facts.uptime import truncated_hundredths
from generator.outputs import i18n


def _locale(language: str | None) -> str:
    return (language or i18n.active().language).replace("-", "_")


def number(value: int | float | Decimal, language: str | None = None) -> str:
    """``value`` with the language's digits and separators ('1,234' / '1 234')."""
    return format_decimal(value, locale=_locale(language))


def availability_percent(availability: Fraction, language: str | None = None) -> str:
    """uptime.percent_text in the language: truncated to two decimals, '100%' only
    without downtime ('99.95%' in English, byte for byte; '99,95 %' in French)."""
    locale = _locale(language)
    hundredths = truncated_hundredths(availability)
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if hundredths != 10_000:
        pattern = pattern.replace("#,##0", "#,##0.00", 1)
    return format_percent(Decimal(hundredths) / 10_000, format=pattern, locale=locale)
