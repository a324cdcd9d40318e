"""The Italian and Dutch catalogs against the source as it is now.

Messages are extracted from `bot/` with Babel's own API and the project's `babel.cfg`, with the
keywords of the README's `pybabel extract` command, so a string added to the code without a
translation fails here. Then every translation must keep what the code and Slack rely on: the
`{placeholders}`, Slack markup (`` `/command` ``, `:emoji:`, `*bold*`, `<@user>` mentions), and
the length limits of modal titles and buttons.
"""

from __future__ import annotations

import ast
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

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ROOT / "bot" / "views"
LANGUAGES = ("it", "nl")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}  # -k N_ -k ngettext:1,2

# Slack's limits (https://api.slack.com/reference/block-kit): modal title, submit and close.
MODAL_TEXT_MAX = 24
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
CONFIRM_BUTTON_MAX = 30
# Modal titles and their submit/close buttons, as passed to `plain(..., 24)` in bot/views/.
# Kept by hand so that a missing one is visible in review; the AST scan below adds any new one.
MODAL_TEXTS = {
    "New idea",
    "Accept idea",
    "Edit scores",
    "Decline idea",
    "Team set-up",
    "Submit",
    "Accept",
    "Decline",
    "Save",
    "Cancel",
}
# Texts that reach a button or an option through a helper rather than a literal call.
OPTION_TEXTS = {
    "Experiment",
    "Campaign",
    "Content",
    "Keep the lights on",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    ("{n} week", "{n} weeks"),
    ("{n} point", "{n} points"),
    "Vote ({n})",
    "Voted ({n})",
}
CONFIRM_BUTTONS = {"Reset", "Keep my order"}

PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
CODE_SPAN = re.compile(r"`[^`]+`")
EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+\-]+:(?![\w:])")
SLACK_REFERENCE = re.compile(r"<[@#!][^>]*>")
ARGUMENT = re.compile(r"\[[^\]]*\]")  # `/idea [title]`: the argument's name may be translated


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
def catalog(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def translated_pairs(language: str):
    """(msgid, msgstr) for every translated form: a plural's forms each pair with its msgid."""
    for message in catalog(language):
        if not message.id or message.fuzzy or not message.string:
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


def _gettext_args(node: ast.AST) -> list[str | tuple[str, str]]:
    """The msgids of every tr.gettext / tr.ngettext call inside `node`."""
    found: list[str | tuple[str, str]] = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        args = [a.value for a in call.args if isinstance(a, ast.Constant)]
        if call.func.attr == "gettext" and args:
            found.append(args[0])
        elif call.func.attr == "ngettext" and len(args) >= 2:
            found.append((args[0], args[1]))
    return found


def _limit(limits: dict[str | tuple[str, str], int], msgid: str | tuple[str, str], n: int) -> None:
    limits[msgid] = min(n, limits.get(msgid, n))


@cache
def scanned_limits() -> dict[str | tuple[str, str], int]:
    """msgid -> the length limit of where it is shown, from the calls in bot/views/."""
    limits: dict[str | tuple[str, str], int] = {}

    def limit(msgid: str | tuple[str, str], n: int) -> None:
        _limit(limits, msgid, n)

    for path in VIEWS.glob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                not isinstance(call, ast.Call)
                or not isinstance(call.func, ast.Name)
                or not call.args
            ):
                continue
            name = call.func.id
            if name == "plain" and len(call.args) > 1 and isinstance(call.args[1], ast.Constant):
                for msgid in _gettext_args(call.args[0]):
                    limit(msgid, call.args[1].value)
            elif name == "button":
                for msgid in _gettext_args(call.args[0]):
                    limit(msgid, BUTTON_TEXT_MAX)
            elif name == "option":
                for msgid in _gettext_args(call.args[0]):
                    limit(msgid, OPTION_TEXT_MAX)
    return limits


@cache
def limited_texts() -> dict[str | tuple[str, str], int]:
    """The scanned limits plus the hand-kept lists above."""
    limits = dict(scanned_limits())
    for texts, n in (
        (MODAL_TEXTS, MODAL_TEXT_MAX),
        (OPTION_TEXTS, OPTION_TEXT_MAX),
        (CONFIRM_BUTTONS, CONFIRM_BUTTON_MAX),
    ):
        for msgid in texts:
            _limit(limits, msgid, n)
    return limits


def test_extraction_finds_the_source_strings():
    messages = source_messages()
    assert len(messages) > 100
    assert "Cancel" in messages  # tr.gettext
    assert "Give the team a name." in messages  # N_
    assert ("{n} vote", "{n} votes") in messages  # tr.ngettext


def test_the_modal_list_matches_the_views():
    """The hand-kept list is still what the views pass to `plain(..., 24)`, and every listed
    text is still in the source (a renamed one would otherwise go unchecked)."""
    scanned = {m for m, n in scanned_limits().items() if n == MODAL_TEXT_MAX}
    assert scanned >= MODAL_TEXTS
    listed = scanned | MODAL_TEXTS | OPTION_TEXTS | CONFIRM_BUTTONS
    assert not [m for m in listed if m not in source_messages()]


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
    for msgid, limit in sorted(limited_texts().items(), key=str):
        message = cat.get(msgid)
        if message is None or not message.string:
            continue  # reported by test_every_source_string_is_translated
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            if len(form) > limit:
                problems.append(f"{msgid!r} -> {form!r}: {len(form)} > {limit} characters")
    assert not problems, "\n".join(problems)


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
    """A translator comment quoting an old msgid ("# | msgid ...") misleads the next reader;
    what changed is in the `#|` lines that `pybabel update --previous` writes on fuzzy entries."""
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
