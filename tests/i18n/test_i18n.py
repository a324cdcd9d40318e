"""The Italian and Dutch catalogs against the source as it is now.

Messages are extracted from `bot/` with Babel's own API and the project's `babel.cfg`, with the
keywords of the README's `pybabel extract` command, so a string added to the code without a
translation fails here. Then every translation must keep what the code and Slack rely on: the
`{placeholders}`, Slack markup (`` `/command` ``, `:emoji:`, `*bold*`, `<@user>` mentions), and
the length limit of every place a text goes (found in the source by tests/text_limits.py).
"""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, language_for, translator
from tests.text_limits import (
    BUTTON_TEXT_MAX,
    CONFIRM_BUTTON_MAX,
    CONFIRM_TEXT_MAX,
    CONFIRM_TITLE_MAX,
    LABEL_MAX,
    MODAL_TEXT_MAX,
    OPTION_TEXT_MAX,
    PLACEHOLDER_MAX,
    text_limits,
)

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("it", "nl")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}  # -k N_ -k ngettext:1,2

PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
CODE_SPAN = re.compile(r"`[^`]+`")
EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+\-]+:(?![\w:])")
SLACK_REFERENCE = re.compile(r"<[@#!][^>]*>")
ARGUMENT = re.compile(r"\[[^\]]*\]")  # `/idea [title]`: the argument's name may be translated
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def source_messages() -> dict[str | tuple[str, ...], set[str]]:
    """Every msgid in bot/ (a tuple for plurals), with the files it is used in."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, ...], set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        found.setdefault(message, set()).add(filename)
    return found


@cache
def translator_comments() -> list[tuple[str, int, str | tuple[str, ...], str]]:
    """(file, line, msgid, its `# Translators:` comment) for every gettext/ngettext/N_ call, as
    `pybabel extract --add-comments=Translators:` sees them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return [
        (filename, lineno, message, " ".join(comments))
        for filename, lineno, message, comments, _context in extract_from_dir(
            str(ROOT),
            method_map,
            options_map,
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
    ]


@cache
def catalog(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def translated_pairs(language: str):
    """(msgid, msgstr) for every translated form: a plural's forms each pair with its msgid."""
    for message in catalog(language):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or message.fuzzy or not any(forms):
            continue  # untranslated: reported by test_every_source_string_is_translated
        if isinstance(message.id, tuple):
            for index, form in enumerate(message.string):
                yield message.id[min(index, 1)], form, message.id
        else:
            yield message.id, message.string, message.id


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def markup(text: str) -> dict[str, list[str]]:
    return {
        "code": sorted(ARGUMENT.sub("[]", span) for span in CODE_SPAN.findall(text)),
        "emoji": sorted(EMOJI.findall(text)),
        "reference": sorted(SLACK_REFERENCE.findall(text)),
        "bold": [str(text.count("*"))],
    }


def test_extraction_finds_the_source_strings():
    messages = source_messages()
    assert len(messages) > 100
    assert "Cancel" in messages  # tr.gettext
    assert "Give the team a name." in messages  # N_
    assert ("{n} vote", "{n} votes") in messages  # tr.ngettext


def test_every_placeholder_is_explained_to_translators():
    """A `# Translators:` comment directly above each call whose msgid has a `{placeholder}`
    says what fills every one of them: a translator cannot tell that `{when}` is "Tue 24 Nov
    17:00" or that `{result}` is a lowercase word."""
    problems = []
    for filename, lineno, message, comment in translator_comments():
        msgids = message if isinstance(message, tuple) else (message,)
        names = {name.split(":")[0].split("!")[0] for m in msgids for name in placeholders(m)}
        unexplained = sorted(name for name in names if "{" + name + "}" not in comment)
        if unexplained:
            problems.append(
                f"{filename}:{lineno} {msgids[0]!r}: nothing says what fills "
                + ", ".join("{" + n + "}" for n in unexplained)
            )
    assert not problems, "\n".join(problems)


def test_every_place_with_a_length_limit_is_found():
    """The scan follows texts through variables, parameters, helpers and f-strings to where
    they go: what the review found unchecked (modal titles in a variable, placeholders,
    confirm dialogs, options built by helpers, retrospective columns) is found."""
    expected = {
        "Plan a sprint": MODAL_TEXT_MAX,  # title = ... if editing else ...
        "Edit the sprint": MODAL_TEXT_MAX,
        "Cancel": MODAL_TEXT_MAX,
        "Choose from the top of the backlog": PLACEHOLDER_MAX,
        "Sprint items this is about": PLACEHOLDER_MAX,
        "Offer A vs offer B on the spring newsletter": PLACEHOLDER_MAX,  # a helper's parameter
        "Reset the order?": CONFIRM_TITLE_MAX,  # a literal plain_text dict
        "Your manual order is replaced by the score order.": CONFIRM_TEXT_MAX,
        "Reset": CONFIRM_BUTTON_MAX,
        "Yes, it is done": MODAL_TEXT_MAX,  # the done form's submit (bot.views.activities)
        "No reminder": OPTION_TEXT_MAX,  # returned by a nested helper
        ("After {n} minute", "After {n} minutes"): OPTION_TEXT_MAX,
        ("After {n} hour", "After {n} hours"): OPTION_TEXT_MAX,
        ("{n} pt", "{n} pts"): OPTION_TEXT_MAX,  # through a variable into an f-string
        "What worked": OPTION_TEXT_MAX,  # column_label(): a lookup table
        "What did not": OPTION_TEXT_MAX,
        "What to try": OPTION_TEXT_MAX,
        "Keep the lights on": OPTION_TEXT_MAX,  # kind_label(), imported from another module
        "Vote ({n})": BUTTON_TEXT_MAX,
        "Marketing owner": LABEL_MAX,
    }
    found = {msgid: text_limits(ROOT).get(msgid, (None, ""))[0] for msgid in expected}
    assert found == expected
    assert all(msgid in source_messages() for msgid in text_limits(ROOT))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header(language):
    cat = catalog(language)
    assert str(cat.locale) == language
    assert cat.plural_forms == PLURAL_FORMS
    assert cat.num_plurals == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_source_string_is_translated(language):
    cat = catalog(language)
    problems = []
    for msgid, files in sorted(source_messages().items(), key=str):
        message = cat.get(msgid)
        where = ", ".join(sorted(files))
        if message is None:
            problems.append(f"missing: {msgid!r} ({where})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where})")
        elif isinstance(msgid, tuple):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if len(forms) != cat.num_plurals or not all(f.strip() for f in forms):
                problems.append(f"plural forms incomplete: {msgid!r} ({where})")
        elif not message.string.strip():
            problems.append(f"empty: {msgid!r} ({where})")
    assert not problems, (
        f"{language}: run `pybabel extract` + `pybabel update` (README) and translate:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    problems = []
    for msgid, msgstr, key in translated_pairs(language):
        want = (
            placeholders(msgid)
            if not isinstance(key, tuple)
            else set().union(*map(placeholders, key))
        )
        try:
            got = placeholders(msgstr)
            msgstr.format(**dict.fromkeys(got, 1))
        except (ValueError, IndexError, KeyError) as error:
            problems.append(f"{msgid!r} -> {msgstr!r}: {error}")
            continue
        if got != want:
            problems.append(f"{msgid!r} -> {msgstr!r}: {sorted(got)} != {sorted(want)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_slack_markup_is_kept(language):
    problems = [
        f"{msgid!r} -> {msgstr!r}"
        for msgid, msgstr, _ in translated_pairs(language)
        if markup(msgid) != markup(msgstr)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_length_limits(language):
    cat = catalog(language)
    problems = []
    for msgid, (limit, where) in sorted(text_limits(ROOT).items(), key=str):
        message = cat.get(msgid)
        if message is None or not message.string:
            continue  # reported by test_every_source_string_is_translated
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            if shown_length(form) > limit:
                problems.append(
                    f"{where}: {msgid!r} -> {form!r}: {shown_length(form)} > {limit} characters"
                )
    assert not problems, "\n".join(problems)


def test_length_limits_of_the_english_source():
    problems = [
        f"{where}: {form!r}: {shown_length(form)} > {limit} characters"
        for msgid, (limit, where) in text_limits(ROOT).items()
        for form in (msgid if isinstance(msgid, tuple) else (msgid,))
        if shown_length(form) > limit
    ]
    assert not problems, "\n".join(problems)


def shown_length(text: str) -> int:
    """The length as shown, a number such as 120 standing for each `{placeholder}`."""
    return len(PLACEHOLDER.sub("999", text))


def _po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_passes_babels_checks(language):
    """What `msgfmt -c` checks, with Babel (always installed): the %-formats of msgid and
    msgstr agree and every plural has its forms. A msgid like "3.4% click-through" is read as a
    format ("% c") and fails here."""
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in catalog(language).check()
        for error in errors
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize(
    "path",
    [_po_path(language) for language in LANGUAGES] + [LOCALES_DIR / "messages.pot"],
    ids=lambda path: path.parent.parent.name if path.suffix == ".po" else "pot",
)
def test_msgfmt_accepts_the_catalog(path):
    result = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stale_comments(language):
    """A translator comment quoting an old msgid ("# | msgid ...") misleads the next reader.
    They came from `pybabel update --previous`: Babel writes the old msgid as `#| msgid` but
    reads it back as a comment, which every later update kept (README, "Translations")."""
    stale = [
        line
        for line in _po_path(language).read_text(encoding="utf-8").splitlines()
        if line.startswith("# |")
    ]
    assert not stale, "\n".join(stale[:10])


def test_translator_speaks_italian_and_dutch():
    it, nl = translator("it"), translator("nl")
    assert it.language == "it"
    assert it.gettext("Cancel") == "Annulla"
    assert it.gettext("New idea") == "Nuova idea"
    assert it.ngettext("{n} vote", "{n} votes", 1).format(n=1) == "1 voto"
    assert it.ngettext("{n} vote", "{n} votes", 3).format(n=3) == "3 voti"
    assert nl.gettext("Cancel") == "Annuleren"
    assert nl.ngettext("{n} week", "{n} weeks", 2).format(n=2) == "2 weken"
    assert translator("en").gettext("Cancel") == "Cancel"
    assert translator("fr").language == "en"


def test_language_for():
    assert language_for("it-IT", "en") == "it"
    assert language_for("nl_NL", "en") == "nl"
    assert language_for("fr-FR", "nl") == "nl"
    assert language_for("fr-FR", "de") == "en"
    assert language_for(None, "it") == "it"
    assert language_for(None, None) == "en"
