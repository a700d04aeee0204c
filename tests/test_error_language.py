"""Error pages and problems speak one language: Dutch by default, English with `?lang=en`.

A real node answers each kind of error (404, a SPARQL query that cannot be read, a
format it does not offer, API field errors, 405) in both languages; the text must hold
no word of the other language, and `Content-Language` must say which one it is.
"""
from __future__ import annotations

import re

import pytest
import requests

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROBLEM = "application/problem+json"
ENGLISH = {"the", "not", "this", "here", "use", "send", "found", "allowed", "must", "and", "or", "try", "again",
           "your", "you", "invalid", "some", "valid", "check", "choose", "from", "nothing", "line", "column"}
DUTCH = {"de", "het", "een", "niet", "geen", "dit", "deze", "stuur", "kies", "probeer", "uit", "op", "staat", "er",
         "regel", "kolom", "van", "voor", "elk", "controleer", "wat", "gevraagde", "adres"}
"""Words of one language only (`is`, `in` and `format` are in both), enough to catch a sentence of the other."""

ERRORS = {  # name: (method, path, headers, status)
    "404 page": ("GET", "bestaat-niet", {"Accept": BROWSER}, 404),
    "404 problem": ("GET", "bestaat-niet", {"Accept": PROBLEM}, 404),
    "bad SPARQL query": ("GET", "sparql?query=SELECT+%2A+WHERE+%7B%3Fs+%3Fp+%3Fo",  # no closing brace
                         {"Accept": "application/sparql-results+json"}, 400),
    "unknown format": ("GET", "praktijken/katwijk-koestal?format=xyz", {"Accept": PROBLEM}, 406),
    "unknown format page": ("GET", "praktijken/katwijk-koestal?format=xyz", {"Accept": BROWSER}, 406),
    "API validation": ("GET", "api/v1/praktijken?pagina=0&perPagina=500", {"Accept": "application/json"}, 400),
    "405": ("DELETE", "praktijken", {"Accept": PROBLEM}, 405),
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def _text(response: requests.Response) -> str:
    """What a person reads of the error: title and detail of a problem, the <main> of a page."""
    if response.headers["Content-Type"].startswith(PROBLEM):
        body = response.json()
        return f"{body['title']} {body['detail']} " + " ".join(p.get("reason", "") for p in body.get("invalidParams", []))
    main = re.search(r"<main[^>]*>(.*)</main>", response.text, re.DOTALL).group(1)
    return re.sub(r"<[^>]+>", " ", main)


def _ask(node, name: str, lang: str | None) -> tuple[requests.Response, str]:
    method, path, headers, status = ERRORS[name]
    if lang:
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    response = requests.request(method, node.url + path, headers=headers, timeout=30)
    assert response.status_code == status, (name, response.status_code, response.text[:300])
    return response, _text(response)


@pytest.mark.parametrize("name", ERRORS)
def test_an_error_is_in_dutch_by_default(node, name):
    response, text = _ask(node, name, None)
    assert response.headers["Content-Language"] == "nl"
    assert not _words(text) & ENGLISH, (name, text)
    assert _words(text) & DUTCH, (name, text)


@pytest.mark.parametrize("name", ERRORS)
def test_an_error_is_in_english_with_lang_en(node, name):
    response, text = _ask(node, name, "en")
    assert response.headers["Content-Language"] == "en"
    assert not _words(text) & DUTCH, (name, text)
    assert _words(text) & ENGLISH, (name, text)


def test_an_error_page_names_its_language_and_what_to_do(node):
    dutch, text = _ask(node, "404 page", None)
    assert '<html lang="nl">' in dutch.text and "Controleer het adres" in text
    english, text = _ask(node, "404 page", "en")
    assert '<html lang="en">' in english.text and "Check the address" in text


def test_a_query_that_cannot_be_read_is_placed_by_line_and_column(node):
    assert "regel 1, kolom " in _ask(node, "bad SPARQL query", None)[0].json()["detail"]
    assert "line 1, column " in _ask(node, "bad SPARQL query", "en")[0].json()["detail"]
