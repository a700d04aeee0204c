"""Property-based tests of API v1 with Schemathesis: no request, however odd, gets a 5xx.

The OpenAPI document is read from a real node (`bamboe serve`) over HTTP. Schemathesis
generates valid and invalid requests from it (path, query, headers, JSON bodies) and
sends them to that node; every 5xx is collected and fails the test with a curl
command that reproduces it and the node's answer.

Reads go out with and without the editor's token, writes mostly with it, so they get
past auth into validation and storage. Part of the requests target resources this
module creates itself (a community with a meeting, a report and a result, and a
concept), half of those with their current ETag, so updates and deletes also get past
404 and 412; the node's example data only ever sees a random If-Match.

API writes are rate limited per client address (today counted per route, too). The
write test reads the node's X-RateLimit-* headers, sizes its run to the limit and
waits for the next window rather than use up the last writes other tests on the
same node may need; a 429 is an answer, not a failure.

Schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) does not
run under pytest 9 (it sets `Function._nodeid`), so each operation gets a plain
Hypothesis test over `APIOperation.as_strategy`, valid and invalid input mixed.
Runs are reproducible: derandomized, no example database, no shrinking.
"""
from __future__ import annotations

import time
import uuid
from copy import deepcopy

import hypothesis
import pytest
import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup

OPENAPI = "api/v1/openapi.json"
T = "https://w3id.org/lerende-praktijken/id/"
READ_EXAMPLES = 25  # per GET operation
WRITE_EXAMPLES = 25  # per POST/PUT/PATCH/DELETE operation, fewer when the node's write limit is low
WRITE_MINUTES = 1.5  # at most this many rate limit windows' worth of writes
WRITE_RESERVE = 30  # writes per window left to the other tests on the shared node
SHOWN_PER_OPERATION = 3
WRITES = ("POST", "PUT", "PATCH", "DELETE")
NESTED = ("bijeenkomsten", "verslagen", "resultaten")
API_OPERATIONS = {
    "/api/v1/praktijken": {"get", "post"},
    "/api/v1/praktijken/{slug}": {"get", "put", "patch", "delete"},
    "/api/v1/begrippen": {"get", "post"},
    "/api/v1/begrippen/{slug}": {"get", "put", "patch", "delete"},
    **{f"/api/v1/praktijken/{{community}}/{kind}": {"get", "post"} for kind in NESTED},
    **{f"/api/v1/praktijken/{{community}}/{kind}/{{slug}}": {"get", "put", "patch", "delete"} for kind in NESTED},
}


def _load(editing_node):
    """The served document through Schemathesis' own loader (a plain config: no schemathesis.toml)."""
    return schemathesis.openapi.from_url(editing_node.url + OPENAPI, config=schemathesis.Config(), timeout=30)


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]  # .ok() raises when one cannot be read


# --- the document itself -----------------------------------------------------------

@pytest.fixture(scope="module")
def served(editing_node) -> requests.Response:
    """The OpenAPI document as a page elsewhere gets it: no token, no cookie."""
    return requests.get(editing_node.url + OPENAPI, headers={"Origin": "https://elders.example"}, timeout=30)


def test_openapi_document_is_public_json_with_cors(served, editing_node):
    assert served.status_code == 200, served.text
    assert served.headers["Content-Type"].split(";")[0] == "application/json"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    document = served.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": editing_node.url.rstrip("/")}]
    labels = {operation.label for operation in _operations(_load(editing_node))}
    assert {"GET /api/v1/praktijken", "GET /api/v1/praktijken/{slug}"} <= labels


def test_openapi_document_is_valid_openapi_3(editing_node):
    _load(editing_node).validate()  # against the OpenAPI 3.0 meta-schema; raises with the first violation


def test_openapi_document_describes_every_api_operation(served):
    paths = served.json()["paths"]
    missing = sorted(f"{method.upper()} {path}" for path, methods in API_OPERATIONS.items()
                     for method in methods if method not in paths.get(path, {}))
    assert not missing, f"{len(missing)} operations of API v1 are not in the OpenAPI document: {missing}"
    for path, methods in API_OPERATIONS.items():
        for method in methods & {"post", "put", "patch"}:
            assert "requestBody" in paths[path][method], f"{method.upper()} {path} documents no body"
        for method in methods - {"get"}:
            assert paths[path][method].get("security") == [{"bearer": []}], f"{method.upper()} {path}: no token"


# --- what to fuzz ------------------------------------------------------------------

def _view_documentation() -> dict:
    """The OpenAPI the API's own views declare: methods, parameters, bodies, security.

    `registry.web.api` hands flask-smorest `View.as_view(...)` functions instead of the
    MethodView classes, so the served document has a bare GET per path and no writes.
    To fuzz the writes all the same, the same view classes are registered here, as
    classes, on a throwaway app in this process. Once the node serves them, this
    changes nothing: what the served document has always wins (see `_completed`).
    """
    from flask import Flask
    from flask_smorest import Blueprint

    from registry.editing.schemas import NESTED as NESTED_SCHEMAS
    from registry.editing.schemas import Begrip, Praktijk
    from registry.web import api as web_api

    app = Flask(__name__)
    app.config.update(API_TITLE="Bamboe API", API_VERSION=web_api.VERSION, OPENAPI_VERSION="3.0.3",
                      API_SPEC_OPTIONS={"components": {"securitySchemes": {
                          "bearer": {"type": "http", "scheme": "bearer"}}}})
    blueprint = Blueprint("api_v1", __name__, url_prefix="/api/v1")
    routes = [(f"/{schema.Meta.collection}", schema) for schema in (Praktijk, Begrip)]
    routes += [(f"/praktijken/<community>/{schema.Meta.collection}", schema) for schema in NESTED_SCHEMAS]
    for collection, schema in routes:
        kind = schema.Meta.collection
        blueprint.add_url_rule(collection, f"{kind}_collection", web_api._collection_view(schema))
        blueprint.add_url_rule(collection + "/<slug>", f"{kind}_item", web_api._item_view(schema))
    documentation = web_api.BamboeApi(app)
    documentation.register_blueprint(blueprint)
    return documentation.spec.to_dict()


def _completed(served: dict, views: dict) -> dict:
    """The served document with what it lacks filled in from the views; served fields win."""
    document = deepcopy(served)
    for path, item in views["paths"].items():
        target = document["paths"].setdefault(path, {})
        for key, value in item.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                target[key] = {**value, **target[key]}
            else:
                target.setdefault(key, value)
    for section, entries in views.get("components", {}).items():
        known = document.setdefault("components", {}).setdefault(section, {})
        for name, value in entries.items():
            known.setdefault(name, value)
    return document


@pytest.fixture(scope="module")
def api_schema(served):
    return schemathesis.openapi.from_dict(_completed(served.json(), _view_documentation()),
                                          config=schemathesis.Config())


@pytest.fixture(scope="module")
def own_resources(editing_node) -> dict[str, dict[str, str]]:
    """Resources this module may change and delete, as path parameters per OpenAPI path."""
    def create(path: str, body: dict) -> str:
        response = requests.post(editing_node.url + "api/v1/" + path, json=body,
                                 headers=editing_node.headers(), timeout=30)
        assert response.status_code == 201, response.text
        return response.headers["Location"].rsplit("/", 1)[1]

    community = create("praktijken", {
        "naam": f"Schemathesis-kring {uuid.uuid4().hex[:6]}", "soort": T + "soort/leergemeenschap",
        "themas": [T + "thema/armoede"], "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"],
        "startdatum": "2026-01-15", "frequentieWeken": 4,
        "deelname": [{"perspectief": T + "perspectief/professional", "aantal": 3}],
        "contact": {"naam": "Leergemeenschap (Welzijn)", "email": "leergemeenschap@welzijn.example"},
    })
    base = f"praktijken/{community}/"
    meeting = create(base + "bijeenkomsten", {"datum": "2026-03-03", "vorm": "fysiek", "locatie": "Buurthuis"})
    children = {
        "bijeenkomsten": meeting,
        "verslagen": create(base + "verslagen", {"bijeenkomst": meeting, "datum": "2026-03-06", "titel": "Eerste"}),
        "resultaten": create(base + "resultaten", {"naam": "Buurtmaaltijd", "leerlus": T + "leerlus/enkelslag"}),
    }
    concept = create("begrippen", {"label": f"Kladblok {uuid.uuid4().hex[:6]}", "breder": T + "thema/armoede"})
    resources = {"/api/v1/praktijken/{slug}": {"slug": community}, "/api/v1/begrippen/{slug}": {"slug": concept}}
    for kind, slug in children.items():
        resources[f"/api/v1/praktijken/{{community}}/{kind}"] = {"community": community}
        resources[f"/api/v1/praktijken/{{community}}/{kind}/{{slug}}"] = {"community": community, "slug": slug}
    return resources


# --- fuzzing -----------------------------------------------------------------------

class WriteBudget:
    """Follows the node's X-RateLimit-* headers; waits for the next window before the reserve is touched."""

    def __init__(self, reserve: int):
        self.reserve = reserve
        self.remaining: int | None = None
        self.reset = 0.0

    def before(self) -> None:
        if self.remaining is not None and self.remaining <= self.reserve:
            time.sleep(max(0.0, self.reset - time.time()) + 1.0)
            self.remaining = None

    def after(self, status: int, headers) -> None:
        """`headers`: a case-insensitive mapping of names to values."""
        if "X-RateLimit-Remaining" in headers:
            self.remaining = int(headers["X-RateLimit-Remaining"])
            self.reset = float(headers.get("X-RateLimit-Reset", time.time() + 60))
        elif status == 429:
            self.remaining, self.reset = 0, time.time() + float(headers.get("Retry-After", 60))


def _write_limit(editing_node, budget: WriteBudget) -> int | None:
    """Writes per window the node allows this client, from one anonymous write (a 401)."""
    probe = requests.post(editing_node.url + "api/v1/praktijken", json={}, timeout=30)
    assert probe.status_code in (401, 429), probe.text
    budget.after(probe.status_code, probe.headers)
    limit = probe.headers.get("X-RateLimit-Limit")
    return int(limit) if limit else None


def _strategy(operation, pinned: dict[str, str] | None):
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(mode) for mode in modes]
    if pinned:
        strategies += [operation.as_strategy(mode, path_parameters=pinned) for mode in modes]
    return st.one_of(strategies)


def _fuzz(operations, editing_node, own_resources, *, max_examples: int, with_token, budget=None) -> dict:
    """A Hypothesis test per operation; returns the 5xx answers (and lost connections) per operation."""
    base_url = editing_node.url.rstrip("/")
    found: dict[str, dict[str, None]] = {}
    settings = hypothesis.settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much,
                               hypothesis.HealthCheck.data_too_large],
    )
    for operation in operations:
        pinned = own_resources.get(operation.path)

        @settings
        @hypothesis.given(case=_strategy(operation, pinned), with_token=with_token, fresh_etag=st.booleans())
        def run(case, with_token, fresh_etag):
            headers = editing_node.headers() if with_token else {}
            if fresh_etag and pinned and case.method.upper() in ("PUT", "PATCH", "DELETE"):
                current = requests.get(base_url + case.formatted_path, timeout=30)
                if "ETag" in current.headers:
                    headers["If-Match"] = current.headers["ETag"]
            if budget is not None:
                budget.before()
            try:
                response = case.call(base_url=base_url, headers=headers, timeout=60)
            except requests.ConnectionError as error:
                reproduce = case.as_curl_command(headers=headers, base_url=base_url)
                found.setdefault(case.operation.label, {})[f"no answer ({error})\n    {reproduce}"] = None
                return
            if budget is not None:
                budget.after(response.status_code,
                             CaseInsensitiveDict({name: values[0] for name, values in response.headers.items()}))
            try:
                case.validate_response(response, checks=[not_a_server_error], headers=headers)
            except FailureGroup:
                answer = " ".join(response.text.split())[:300]
                reproduce = case.as_curl_command(headers=headers, base_url=base_url)
                found.setdefault(case.operation.label, {})[f"{response.status_code}: {answer}\n    {reproduce}"] = None

        run()
    return found


def _report(found: dict) -> str:
    lines = [f"server errors on {len(found)} operations (Authorization filtered; use a token from "
             "`bamboe token create`):"]
    for label, failures in found.items():
        lines.append(f"{label}: {len(failures)} distinct requests, e.g.")
        lines += [f"  {failure}" for failure in list(failures)[:SHOWN_PER_OPERATION]]
    return "\n".join(lines)


def test_reads_never_answer_5xx(api_schema, editing_node, own_resources):
    reads = [operation for operation in _operations(api_schema) if operation.method.upper() == "GET"]
    assert {f"GET {path}" for path in API_OPERATIONS} <= {operation.label for operation in reads}
    found = _fuzz(reads, editing_node, own_resources, max_examples=READ_EXAMPLES, with_token=st.booleans())
    assert not found, _report(found)


def test_writes_never_answer_5xx(api_schema, editing_node, own_resources):
    writes = [operation for operation in _operations(api_schema) if operation.method.upper() in WRITES]
    assert {f"{method.upper()} {path}" for path, methods in API_OPERATIONS.items()
            for method in methods - {"get"}} <= {operation.label for operation in writes}
    # deletes last; the community (which takes its meeting, report and result along) after its children
    writes.sort(key=lambda operation: (operation.method.upper() == "DELETE", -operation.path.count("{")))
    budget = WriteBudget(WRITE_RESERVE)
    limit = _write_limit(editing_node, budget)
    examples = WRITE_EXAMPLES
    if limit is not None:
        examples = max(3, min(examples, int((limit - WRITE_RESERVE) * WRITE_MINUTES) // len(writes)))
    found = _fuzz(writes, editing_node, own_resources, max_examples=examples, budget=budget,
                  with_token=st.sampled_from((True, True, True, False)))
    assert not found, _report(found)
