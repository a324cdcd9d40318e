"""Message catalogs (gettext, via Babel). Every word the bot shows goes through a Translator.

Catalogs are the `.po` files under `locales/`, read once and compiled in memory, so there is no
build step. Babel is imported when a catalog is read or a date or number formatted, so a
process that shows no words (a quiet scheduler tick) never loads it. English is the source
language. Mark strings with `tr.gettext(...)`, `tr.ngettext(...)`, or `N_(...)` for text
translated later; `pybabel extract` finds them all (see README, "Translations").
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "it", "nl")


def N_(message: str) -> str:  # the gettext convention
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


class Translator:
    def __init__(self, language: str, translations: _gettext.NullTranslations):
        self.language = language
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)


@cache
def translator(language: str) -> Translator:
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return Translator(language, _gettext.NullTranslations())
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return Translator(language, _gettext.GNUTranslations(buffer))


def shipped_language(slack_locale: str | None) -> str | None:
    """The language of a Slack locale (`it-IT` -> `it`) if we ship it, else None."""
    language = (slack_locale or "").replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


def language_for(slack_locale: str | None, team_language: str | None = None) -> str:
    """A person's language: their Slack locale (`it-IT` -> `it`) if we speak it, else their
    team's language, else English."""
    language = shipped_language(slack_locale)
    if language is not None:
        return language
    if team_language in LANGUAGES:
        return team_language
    return DEFAULT_LANGUAGE


# --- dates and numbers, in the reader's locale (Babel's CLDR data, not words of our own) -----


def day_label(tr: Translator, day: dt.date) -> str:
    """A day as the boards show it: "Tue 24 Nov", "mar 24 nov", "di 24 nov"."""
    from babel.dates import format_date

    return format_date(day, "EEE d MMM", locale=tr.language)


def decimal(tr: Translator, value: float, places: int = 2) -> str:
    """A number with at most `places` decimals and the reader's decimal sign: "1,67" in
    Italian and Dutch, "1.67" in English; no trailing zeros ("2,5", "3")."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, places), format="#,##0." + "#" * places, locale=tr.language)


def weekday_names(tr: Translator) -> list[str]:
    """Monday to Sunday in the reader's language, as written inside a sentence: "Monday",
    "lunedì", "maandag"."""
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=tr.language)
    return [names[day] for day in range(7)]  # 0 is Monday, as in date.weekday()
