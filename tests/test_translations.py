"""Every string in a template or message has an English translation, and the catalogue is compiled.

The interface's source language is Dutch; `registry/translations/en/LC_MESSAGES/messages.po`
is the English catalogue. These tests extract the strings the way `pybabel extract` does
(same `babel.cfg`), so a new `_("...")` without a translation fails here, not in a user's
browser.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "registry" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def _extracted() -> set:
    with open(TRANSLATIONS / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalogue():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def test_every_string_in_templates_and_code_has_an_english_translation():
    catalogue = _catalogue()
    missing = []
    for message in sorted(_extracted(), key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(message)
    assert not missing, f"run pybabel extract/update (README, Translations) and translate: {missing}"


def test_the_compiled_catalogue_matches_the_po_file():
    catalogue = _catalogue()
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        shipped = read_mo(mo)
    fresh = read_mo(compiled)
    as_dict = lambda c: {str(m.id): str(m.string) for m in c if m.id}  # noqa: E731
    assert as_dict(shipped) == as_dict(fresh), \
        "run: pybabel compile -d registry/translations"


def test_no_stale_entries_in_the_catalogue():
    wanted = {m[0] if isinstance(m, tuple) else m for m in _extracted()}
    stale = [m.id for m in _catalogue() if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in wanted
             and not m.obsolete]
    assert not stale, f"strings no longer used; run pybabel update: {stale}"


def test_translations_keep_the_placeholders_of_their_source():
    """`%(name)s` in the Dutch text must be in the English too (and no `{name}` left over)."""
    wrong = []
    for entry in _catalogue():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(re.findall(r"%\((\w+)\)", ids[-1])) - {"num"}
        for string in strings:
            if set(re.findall(r"%\((\w+)\)", string or "")) - {"num"} != wanted or re.search(r"\{\w+\}", string or ""):
                wrong.append((ids[0], string))
    assert not wrong, wrong
