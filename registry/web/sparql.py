"""`/sparql`: the SPARQL 1.1 Protocol, read-only, answered by the isolated query pool.

An answer to a repeatable query is kept until the store changes (`sandbox.Answers`):
the same question on the same data is answered without a worker. Without a query the
endpoint answers a person with the query page and a program with its SPARQL 1.1
Service Description (`registry.service_description`), as that specification asks of a
plain GET: `*/*` (curl, HTTP libraries) gets it in Turtle.

`asOf=2026-03-01` (or a dateTime with a time zone) asks the data as it was at that
moment instead (`registry.history.published`): the same pool, limits, formats and kept
answers, from an as-of snapshot (`sandbox.as_of`). The answer says which moment it is
(`Memento-Datetime`, RFC 7089) and when the history begins; before it the dataset is empty.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, make_response, render_template, request
from werkzeug.http import http_date

from registry import clock, rdf
from registry.errors import N_, BamboeError, NotAcceptable, QueryRefused, UnsupportedMediaType, UpdateRefused
from registry.examples import example, examples
from registry.history.moments import Moment, day_of, parse_moment
from registry.sandbox import Answers, CheckedQuery, QueryResult, check_query
from registry.sandbox.as_of import AsOf, AsOfSnapshots
from registry.sandbox.precheck import UPDATES_REFUSED, Dataset, check_dataset
from registry.service_description import describe, graph_statistics
from registry.store.cache import PerGeneration
from registry.web import current_node, rdf_response
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
QUERY_BODY, UPDATE_BODY = "application/sparql-query", "application/sparql-update"
RESULT_TYPES = [*SOLUTION_TYPES.values(), *GRAPH_TYPES.values()]
PLAIN_XML = {"application/xml", "text/xml"}
"""Plain XML asks for SPARQL XML results (or RDF/XML for a graph) when nothing more exact matches."""
AS_OF = "asOf"


@blueprint.record_once
def _keep_answers(state) -> None:
    node = state.app.extensions["bamboe"]
    store = node.store
    state.app.extensions["bamboe_answers"] = PerGeneration(store, lambda _: Answers())
    state.app.extensions["bamboe_graph_statistics"] = PerGeneration(store, graph_statistics)
    state.app.extensions["bamboe_as_of"] = AsOfSnapshots(store, node.history, node.data_dir / "run", _log_graph(node))


def _log_graph(node) -> str | None:
    """A hub's harvest log graph: the as-of dataset describes its members there, as the live one does."""
    if node.hub is None:
        return None
    from harvesters.log import log_graph  # harvesters builds on registry; import it only for a hub

    return log_graph(node.settings["base_url"])


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    node = current_node()
    settings = node.settings
    text = _query_text()
    dataset = _dataset()
    if text is None:
        return _without_query(node)
    if _wants_page():
        return _results_page(node, text, dataset)
    as_of = _as_of()
    checked = check_query(text, settings["sparql_max_query_chars"])
    key, media_type = _result_type(checked.form)
    result = _answer(node, checked, media_type if checked.returns_graph else key, dataset, as_of)
    response = make_response(result.body)
    response.mimetype = media_type
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-store"
    if result.truncated:
        response.headers["Bamboe-Truncated"] = (
            f"rows>{settings['sparql_max_rows']} or bytes>{settings['sparql_max_bytes']}"
        )
    return _said_as_of(response, as_of)


def _without_query(node):
    """The query page for a person; a GET's service description for a program; 400 for one that wants results."""
    if "voorbeeld" in request.args or prefers_html(RESULT_TYPES):
        chosen = example(request.args.get("voorbeeld", "")) or examples()[0]
        return _page(chosen.text, chosen=chosen.slug, as_of_day=_page_day() or chosen.as_of)
    _moment()  # a bad asOf is refused here too
    offered = list(GRAPH_TYPES.values())
    media_type = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else offered[0]
    if media_type is None or request.method == "POST":
        raise QueryRefused(N_("Geen query ontvangen; stuur een query als `query` (GET of formulier-POST) of als "
                              "inhoud van het type application/sparql-query."))
    statistics = current_app.extensions["bamboe_graph_statistics"].get()
    return rdf_response(describe(_endpoint(node), RESULT_TYPES, statistics), media_type)


def _endpoint(node) -> str:
    """The endpoint's public URL: the base of relative IRIs in a query, whatever Host the request named."""
    return node.settings["base_url"] + "sparql"


def _answer(node, checked: CheckedQuery, result_format: str, dataset: Dataset | None,
            as_of: AsOf | None = None) -> QueryResult:
    """The kept answer to this question on this data (current or as of a moment), or a worker's."""
    settings = node.settings
    question = (checked.text, result_format, settings["sparql_max_rows"], settings["sparql_max_bytes"],
                not checked.names_dataset, _endpoint(node), dataset, as_of.generation if as_of else None)
    answers = current_app.extensions["bamboe_answers"].get() if checked.repeatable else None
    kept = answers.get(question) if answers is not None else None
    if kept is not None:
        return kept
    snapshot = (lambda: current_app.extensions["bamboe_as_of"].snapshot(as_of)) if as_of else None
    result = node.pool.run(checked.text, result_format, request.remote_addr or "unknown",
                           settings["sparql_max_rows"], settings["sparql_max_bytes"], not checked.names_dataset,
                           _endpoint(node), dataset, snapshot=snapshot)
    if answers is not None:
        answers.keep(question, result)
    return result


def _as_of() -> AsOf | None:
    """The moment `asOf` names (URL or form body), or None for the current data; a bad one is a 400."""
    moment = _moment()
    return current_app.extensions["bamboe_as_of"].position(moment) if moment else None


def _moment() -> Moment | None:
    """The moment `asOf` names; an empty value (the page's date field left empty) is none."""
    values = [value for value in _parameter(AS_OF) if value.strip()]
    if not values:
        return None
    if len(set(values)) > 1:
        raise QueryRefused(N_("Stuur één asOf per verzoek; dit verzoek noemt er %(count)s."), count=len(values))
    return parse_moment(values[0], AS_OF)


def _said_as_of(response, as_of: AsOf | None):
    """Say which moment answered (RFC 7089's Memento-Datetime), and whether the history had begun by then."""
    if as_of is None:
        return response
    response.headers["Memento-Datetime"] = http_date(as_of.moment.at)
    response.headers["Bamboe-History-Begins"] = _iso(as_of.begins) if as_of.begins else "none"
    if as_of.before_history:
        response.headers["Bamboe-Empty-Dataset"] = "before-history"
    return response


def _iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _wants_page() -> bool:
    """A person in a browser: `format=html`, or an Accept that names HTML at least as high as the result types."""
    wanted = request.args.get("format") or request.form.get("format")
    if wanted:
        return wanted == "html"
    return prefers_html(RESULT_TYPES)


def _results_page(node, text: str, dataset: Dataset | None):
    """Run the query as a person would: results as a table under the editor, errors beside it."""
    settings = node.settings
    as_of = None
    try:
        as_of = _as_of()
        checked = check_query(text, settings["sparql_max_query_chars"])
        graph = checked.returns_graph
        result = _answer(node, checked, GRAPH_TYPES["ttl"] if graph else "json", dataset, as_of)
    except BamboeError as error:
        return _page(text, error=public_detail(error), status=error.status, as_of_day=_page_day())
    body = result.body.decode() if isinstance(result.body, bytes) else result.body
    shown = {"as_of": as_of, "as_of_day": as_of.moment.label if as_of else ""}
    if graph:
        return _said_as_of(_page(text, graph=body, truncated=result.truncated, **shown), as_of)
    data = json.loads(body)
    if "boolean" in data:
        return _said_as_of(_page(text, boolean=data["boolean"], **shown), as_of)
    columns = data["head"]["vars"]
    rows = [[row.get(column, {}).get("value", "") for column in columns] for row in data["results"]["bindings"]]
    return _said_as_of(_page(text, columns=columns, rows=rows, truncated=result.truncated, **shown), as_of)


def _page(text: str, status: int = 200, as_of_day: str = "", **shown):
    """The query page: editor, date, examples, and whatever the last run showed."""
    today = day_of(clock.now()).isoformat()
    html = render_template("sparql.html", query=text, examples=examples(), as_of_day=as_of_day, last_day=today,
                           **shown)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_day() -> str:
    """The date field's value as asked, whatever it holds: the page shows what the person typed."""
    return next((value for value in _parameter(AS_OF) if value.strip()), "")


def _query_text() -> str | None:
    """The request's one query, or None; refuse updates, and a second query the protocol does not allow."""
    queries, updates = _operations()
    if queries and updates:
        raise QueryRefused(N_("Stuur een query óf een update, niet allebei in één verzoek."))
    if updates:  # an update by GET breaks the protocol; a POSTed one is understood and refused
        raise UpdateRefused(UPDATES_REFUSED) if request.method == "POST" else QueryRefused(UPDATES_REFUSED)
    if len(queries) > 1:
        raise QueryRefused(N_("Stuur één query per verzoek; dit verzoek bevat er %(count)s (in het adres, in de "
                              "inhoud of op beide plaatsen)."), count=len(queries))
    return queries[0] if queries else None


def _operations() -> tuple[list[str], list[str]]:
    """Every query and every update the request carries, wherever the protocol lets a client put them."""
    queries, updates = request.args.getlist("query"), request.args.getlist("update")
    if request.method != "POST":
        return queries, updates
    content_type = request.mimetype
    if content_type == FORM:
        return queries + request.form.getlist("query"), updates + request.form.getlist("update")
    if content_type == UPDATE_BODY:
        return queries, [*updates, "(body)"]
    if content_type == QUERY_BODY:
        return [*queries, _body_text()], updates
    if not content_type:
        raise QueryRefused(N_("Dit verzoek noemt geen soort inhoud; stuur de query als %(form)s of "
                              "application/sparql-query."), form=FORM)
    raise QueryRefused(N_("Stuur de query als %(form)s of application/sparql-query, niet als %(content_type)s."),
                       form=FORM, content_type=content_type)


def _body_text() -> str:
    """A direct POST's query: UTF-8 is the only encoding the protocol allows."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(N_("Stuur de query in UTF-8, niet in %(charset)s."), charset=charset)
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise QueryRefused(N_("De query is geen geldige UTF-8; stuur hem in UTF-8.")) from None


def _dataset() -> Dataset | None:
    """The dataset named by `default-graph-uri` and `named-graph-uri` (repeatable; URL or form body)."""
    return check_dataset(_parameter("default-graph-uri"), _parameter("named-graph-uri"))


def _parameter(name: str) -> list[str]:
    """Every value of a request parameter, in the URL or a form body."""
    found = request.args.getlist(name)
    if request.method == "POST" and request.mimetype == FORM:
        found += request.form.getlist(name)
    return found


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
