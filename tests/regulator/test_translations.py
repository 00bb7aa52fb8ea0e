"""The Simplified Chinese catalogue is complete, and the committed .mo says what the .po says.

The .mo is committed because new machines may lack gettext; these tests catch a .po edited without
``compilemessages``, a string added without ``makemessages``, and a msgid left untranslated.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest

from regulator.models import StatutoryRule

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
TEMPLATES = ROOT / "templates"


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags.

    Obsolete entries (``#~``) are skipped. Enough of the format for what makemessages writes.
    """
    entries, entry, field = [], {}, None

    def finish():
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")', line)
        if match:
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and "msgid" in entry:
                finish()
            value = ast.literal_eval(text)
            if keyword == "msgstr":
                field = ("msgstr", int(index or 0))
                entry.setdefault("msgstr", {})[field[1]] = value
            else:
                field = (keyword, None)
                entry[keyword] = value
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries():
    return [entry for entry in parse_po(MESSAGES / "django.po") if entry["msgid"] != ""]


@pytest.fixture(scope="module")
def mo_catalog():
    with open(MESSAGES / "django.mo", "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def _key(entry, index=None):
    msgid = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
    return msgid if index is None else (msgid, index)


def test_the_catalogue_is_not_empty(po_entries):
    assert len(po_entries) > 100


def test_every_msgid_has_a_translation(po_entries):
    untranslated = [entry["msgid"] for entry in po_entries
                    if not entry.get("msgstr") or not all(entry["msgstr"].values())]

    assert untranslated == []


def test_no_translation_is_left_fuzzy(po_entries):
    assert [entry["msgid"] for entry in po_entries if "fuzzy" in entry.get("flags", set())] == []


def test_the_mo_file_matches_the_po_file(po_entries, mo_catalog):
    expected = {}
    for entry in po_entries:
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                expected[_key(entry, index)] = text
        else:
            expected[_key(entry)] = entry["msgstr"][0]
    compiled = {key: value for key, value in mo_catalog.items() if key != ""}

    stale = {key: (compiled.get(key), value) for key, value in expected.items() if compiled.get(key) != value}
    extra = set(compiled) - set(expected)
    assert stale == {}, "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"
    assert extra == set(), "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"


def test_every_literal_template_string_is_in_the_catalogue(po_entries):
    known = {entry["msgid"] for entry in po_entries}
    pattern = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    missing = {
        (str(path.relative_to(ROOT)), match.group(2))
        for path in TEMPLATES.rglob("*.html")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in known
    }

    assert missing == set(), "run: python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests"


def test_every_statutory_rule_title_is_translated(po_entries, db):
    # Titles are data shown with {% translate rule.title %}; every app marks its rule titles with gettext_noop.
    translated = {entry["msgid"] for entry in po_entries if entry.get("msgstr", {}).get(0)}

    assert set(StatutoryRule.objects.values_list("title", flat=True)) - translated == set()
