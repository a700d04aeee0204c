"""Decide on the parsed query: refuse SERVICE wherever the grammar puts it.

The node's pre-check is a fast scan of the text; this is the authority. rdflib's
SPARQL 1.1 parser turns the query into a syntax tree, after applying the codepoint
escapes as the standard says, so no spelling (`.SERVICE`, `\\u0053ERVICE`, comments,
odd spacing) hides a SERVICE clause. A query rdflib cannot read is refused too: if it
cannot be read, it cannot be shown to be harmless.

It runs inside the query worker, which is killable and memory-capped, because
pyparsing is slow on long queries, not thread-safe, and recursive: parsing happens
on a thread with a large stack so long queries (up to `sparql_max_query_chars`) fit.
"""
from __future__ import annotations

import sys
import threading
from functools import lru_cache

from pyparsing import ParseException, ParseResults

from registry.errors import N_, fill

PARSER_STACK_BYTES = 64 * 1024 * 1024
PARSER_RECURSION = 25_000


UNREADABLE = N_("De query is geen geldige SPARQL 1.1: er klopt iets niet op regel %(line)s, kolom %(column)s. "
                "Verbeter de query daar en probeer het opnieuw.")


class Unreadable(ValueError):
    """The query is not SPARQL 1.1 as rdflib reads it; `message` and `context` say why, as a BamboeError would."""

    def __init__(self, message: str, **context):
        super().__init__(fill(message, context))
        self.message, self.context = message, context


@lru_cache(maxsize=512)
def service_clauses(query: str) -> int:
    """Count the SERVICE clauses in the query's syntax tree; raise Unreadable if none can be built.

    Cached per text: dashboards and clients repeat the same queries, and a parse costs
    10–100 ms of pyparsing (an Unreadable is not cached; it is raised again).
    """
    tree = _parse_on_big_stack(query)
    return _count(tree)


def _parse_on_big_stack(query: str):
    outcome: dict = {}

    def parse():
        from rdflib.plugins.sparql.parser import parseQuery

        try:
            outcome["tree"] = parseQuery(query)
        except ParseException as error:  # its own words ("Expected SelectQuery") say little; the place says more
            outcome["error"] = Unreadable(UNREADABLE, line=error.lineno, column=error.col)
        except RecursionError:
            outcome["error"] = Unreadable(N_("De query is te diep genest om te lezen; maak hem eenvoudiger."))
        except Exception as error:  # rdflib raises assorted errors on odd input; all mean "unreadable"
            outcome["error"] = Unreadable(N_("De query is geen geldige SPARQL 1.1 (melding van de parser: %(reason)s); "
                                             "verbeter hem en probeer het opnieuw."),
                                          reason=f"{type(error).__name__}: {error}")

    previous = threading.stack_size(PARSER_STACK_BYTES)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), PARSER_RECURSION))
    try:
        thread = threading.Thread(target=parse, name="sparql-parse")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    if "tree" not in outcome:
        raise outcome.get("error") or Unreadable(N_("De query kon niet worden gelezen als SPARQL 1.1; controleer "
                                                    "de schrijfwijze en probeer het opnieuw."))
    return outcome["tree"]


def _count(node) -> int:
    """Walk the tree without recursion (it can be deep) and count ServiceGraphPattern nodes."""
    found, pending = 0, [node]
    while pending:
        item = pending.pop()
        if getattr(item, "name", None) == "ServiceGraphPattern":
            found += 1
        if isinstance(item, dict):  # rdflib's CompValue is an OrderedDict
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            pending.extend(item)
    return found
