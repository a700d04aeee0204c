"""`/sparql`: the SPARQL 1.1 Protocol, read-only, answered by the isolated query pool.

An answer to a repeatable query is kept until the store changes (`sandbox.Answers`):
the same question on the same data is answered without a worker.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, make_response, render_template, request

from registry import rdf
from registry.errors import N_, BamboeError, NotAcceptable, QueryRefused
from registry.examples import example, examples
from registry.sandbox import Answers, CheckedQuery, QueryResult, check_query
from registry.sandbox.precheck import UPDATES_REFUSED
from registry.store.cache import PerGeneration
from registry.web import current_node
from registry.web.negotiation import prefers_html
from registry.web.problems import public_detail

blueprint = Blueprint("sparql", __name__)
SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
BOOLEAN_KEYS = ("json", "xml")
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
FORM = "application/x-www-form-urlencoded"
RESULT_TYPES = [*SOLUTION_TYPES.values(), *GRAPH_TYPES.values()]
PLAIN_XML = {"application/xml", "text/xml"}
"""Plain XML asks for SPARQL XML results (or RDF/XML for a graph) when nothing more exact matches."""


@blueprint.record_once
def _keep_answers(state) -> None:
    store = state.app.extensions["bamboe"].store
    state.app.extensions["bamboe_answers"] = PerGeneration(store, lambda _: Answers())


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    node = current_node()
    settings = node.settings
    text = _query_text()
    if text is None:
        if not request.accept_mimetypes or prefers_html(RESULT_TYPES):
            chosen = example(request.args.get("voorbeeld", "")) or examples()[0]
            return _page(chosen.text, chosen=chosen.slug)
        raise QueryRefused(N_("Geen query ontvangen; stuur een query als `query` (GET of formulier-POST) of als "
                              "inhoud van het type application/sparql-query."))
    if _wants_page():
        return _results_page(node, text)
    checked = check_query(text, settings["sparql_max_query_chars"])
    key, media_type = _result_type(checked.form)
    result = _answer(node, checked, media_type if checked.returns_graph else key)
    response = make_response(result.body)
    response.mimetype = media_type
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-store"
    if result.truncated:
        response.headers["Bamboe-Truncated"] = (
            f"rows>{settings['sparql_max_rows']} or bytes>{settings['sparql_max_bytes']}"
        )
    return response


def _answer(node, checked: CheckedQuery, result_format: str) -> QueryResult:
    """The kept answer to this question on the current data, or a worker's (kept when repeatable)."""
    settings = node.settings
    question = (checked.text, result_format, settings["sparql_max_rows"], settings["sparql_max_bytes"],
                not checked.names_dataset)
    answers = current_app.extensions["bamboe_answers"].get() if checked.repeatable else None
    kept = answers.get(question) if answers is not None else None
    if kept is not None:
        return kept
    result = node.pool.run(checked.text, result_format, request.remote_addr or "unknown",
                           settings["sparql_max_rows"], settings["sparql_max_bytes"], not checked.names_dataset)
    if answers is not None:
        answers.keep(question, result)
    return result


def _wants_page() -> bool:
    """A person in a browser: `format=html`, or an Accept that names HTML at least as high as the result types."""
    wanted = request.args.get("format") or request.form.get("format")
    if wanted:
        return wanted == "html"
    return prefers_html(RESULT_TYPES)


def _results_page(node, text: str):
    """Run the query as a person would: results as a table under the editor, errors beside it."""
    settings = node.settings
    try:
        checked = check_query(text, settings["sparql_max_query_chars"])
        graph = checked.returns_graph
        result = _answer(node, checked, GRAPH_TYPES["ttl"] if graph else "json")
    except BamboeError as error:
        return _page(text, error=public_detail(error), status=error.status)
    body = result.body.decode() if isinstance(result.body, bytes) else result.body
    if graph:
        return _page(text, graph=body, truncated=result.truncated)
    data = json.loads(body)
    if "boolean" in data:
        return _page(text, boolean=data["boolean"])
    columns = data["head"]["vars"]
    rows = [[row.get(column, {}).get("value", "") for column in columns] for row in data["results"]["bindings"]]
    return _page(text, columns=columns, rows=rows, truncated=result.truncated)


def _page(text: str, status: int = 200, **shown):
    """The query page: editor, examples, and whatever the last run showed."""
    html = render_template("sparql.html", query=text, examples=examples(), **shown)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _query_text() -> str | None:
    """Read the query from GET parameters, a form body or a direct body; refuse updates."""
    if request.method == "POST":
        content_type = request.mimetype
        if content_type == "application/sparql-update" or "update" in request.form:
            raise QueryRefused(UPDATES_REFUSED)
        if content_type == "application/sparql-query":
            return request.get_data(as_text=True)
        if content_type == FORM:
            return request.form.get("query")
        if not content_type:
            raise QueryRefused(N_("Dit verzoek noemt geen soort inhoud; stuur de query als %(form)s of "
                                  "application/sparql-query."), form=FORM)
        raise QueryRefused(N_("Stuur de query als %(form)s of application/sparql-query, niet als %(content_type)s."),
                           form=FORM, content_type=content_type)
    if "update" in request.args:
        raise QueryRefused(UPDATES_REFUSED)
    return request.args.get("query")


def _result_type(form: str) -> tuple[str, str]:
    """Negotiate the result syntax for this query form (`format=` wins over Accept)."""
    if form in {"CONSTRUCT", "DESCRIBE"}:
        table = GRAPH_TYPES
    elif form == "ASK":
        table = {k: SOLUTION_TYPES[k] for k in BOOLEAN_KEYS}
    else:
        table = SOLUTION_TYPES
    wanted = request.args.get("format") or request.form.get("format")
    if wanted:
        for key, media_type in table.items():
            if wanted in (key, media_type):
                return key, media_type
        syntax = rdf.BY_EXTENSION.get(wanted.lower()) or rdf.BY_MEDIA_TYPE.get(wanted)
        if table is GRAPH_TYPES and syntax and not syntax.dataset:
            return syntax.extensions[0], syntax.media_type
        raise NotAcceptable(N_("format=%(wanted)s wordt niet aangeboden voor een %(form)s-query; kies uit %(choices)s."),
                            wanted=wanted, form=form, choices=", ".join(table))
    offered = list(table.values())
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else offered[0]
    if best is None:
        named = {value.split(";")[0].strip().lower() for value in request.accept_mimetypes.values()}
        if "application/json" in named and form != "CONSTRUCT":
            best = offered[0]
        elif named & PLAIN_XML:
            best = table["rdf" if table is GRAPH_TYPES else "xml"]
        else:
            raise NotAcceptable(N_("Geen van de gevraagde formaten is beschikbaar voor een %(form)s-query; kies uit "
                                   "%(choices)s."), form=form, choices=", ".join(offered))
    key = next(k for k, m in table.items() if m == best)
    return key, best
