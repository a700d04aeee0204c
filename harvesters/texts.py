"""Harvest messages in both languages, translated when they are recorded.

A harvest runs without a Flask request (CLI, scheduler), so the page's language is
not known yet; a run's error is therefore kept in Dutch (the source language) and in
English, from the same gettext catalogue the web interface uses, and the page shows
the one in its language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from registry.errors import BamboeError, fill

TRANSLATIONS = Path(__file__).resolve().parent.parent / "registry" / "translations"
LANGUAGES = ("nl", "en")


@cache
def catalogue(lang: str) -> NullTranslations:
    """The compiled catalogue of a language; Dutch (the msgids themselves) needs none."""
    if lang == "nl":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang])


@dataclass
class Text:
    """A Dutch `N_` message with its named values; a value may itself be a Text."""

    message: str
    values: dict = field(default_factory=dict)

    @classmethod
    def of(cls, error: BamboeError) -> "Text":
        return cls(error.message, dict(error.context))

    def in_language(self, lang: str) -> str:
        values = {name: value.in_language(lang) if isinstance(value, Text) else value
                  for name, value in self.values.items()}
        return fill(catalogue(lang).gettext(self.message), values)

    def __str__(self) -> str:
        return self.in_language("nl")
