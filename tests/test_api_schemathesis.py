"""Property-based tests of API v1 with Schemathesis: no request, however odd, gets a 5xx.

The OpenAPI document is read from a real node (`bamboe serve`) over HTTP. Schemathesis
generates valid and invalid requests from it (path, query, headers, JSON bodies) and
sends them to that node; any 5xx fails the test with the request and the answer.

Reads go out with and without the editor's token, writes mostly with it, so they get
past auth into validation and storage. Part of the requests target resources this
module creates itself (a community with a meeting, a report and a result, and a
concept), sometimes with their current ETag, so updates and deletes also get past
404 and 412; the node's example data is only written to with a random ETag.

The node limits writes to 120 a minute per client address. The write test follows
the node's X-RateLimit-* headers and keeps a reserve for the other tests on the
same node; a 429 that slips through is an answer, not a failure.

Schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) does not
run under pytest 9 (it sets `Function._nodeid`), so each operation gets a plain
Hypothesis test built from `APIOperation.as_strategy`, in a loop.
"""
from __future__ import annotations

import time
import uuid
from copy import deepcopy

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup

OPENAPI = "api/v1/openapi.json"
STATS = {}
T = "https://w3id.org/lerende-praktijken/id/"
SEED = 20260415
READ_EXAMPLES = 25  # per GET operation
WRITE_EXAMPLES = 8  # per POST/PUT/PATCH/DELETE operation; the node allows 120 writes a minute
WRITE_RESERVE = 30  # writes a minute left to the other tests on the shared node
WRITES = ("POST", "PUT", "PATCH", "DELETE")
RESOURCE_OPERATIONS = {
    "/api/v1/praktijken": {"get", "post"},
    "/api/v1/praktijken/{slug}": {"get", "put", "patch", "delete"},
    "/api/v1/begrippen": {"get", "post"},
    "/api/v1/begrippen/{slug}": {"get", "put", "patch", "delete"},
    **{f"/api/v1/praktijken/{{community}}/{kind}": {"get", "post"}
       for kind in ("bijeenkomsten", "verslagen", "resultaten")},
    **{f"/api/v1/praktijken/{{community}}/{kind}/{{slug}}": {"get", "put", "patch", "delete"}
       for kind in ("bijeenkomsten", "verslagen", "resultaten")},
}


# --- the document itself -----------------------------------------------------------

@pytest.fixture(scope="module")
def served(editing_node) -> requests.Response:
    """The OpenAPI document as any browser gets it: no token, no cookies."""
    return requests.get(editing_node.url + OPENAPI, headers={"Origin": "https://elders.example"}, timeout=30)


def test_openapi_document_is_public_json_with_cors(served, editing_node):
    assert served.status_code == 200, served.text
    assert served.headers["Content-Type"].split(";")[0] == "application/json"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    document = served.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": editing_node.url.rstrip("/")}]
    schema = schemathesis.openapi.from_url(editing_node.url + OPENAPI, config=_config(), timeout=30)
    labels = {operation.label for operation in _operations(schema)}
    assert {"GET /api/v1/praktijken", "GET /api/v1/praktijken/{slug}"} <= labels


def test_openapi_document_is_valid_openapi_3(editing_node):
    schema = schemathesis.openapi.from_url(editing_node.url + OPENAPI, config=_config(), timeout=30)
    schema.validate()  # against the OpenAPI 3.0 meta-schema; raises with the first violation


def test_openapi_document_describes_every_api_operation(served):
    paths = served.json()["paths"]
    missing = sorted(f"{method.upper()} {path}" for path, methods in RESOURCE_OPERATIONS.items()
                     for method in methods if method not in paths.get(path, {}))
    assert not missing, f"{len(missing)} operations of API v1 are not in the OpenAPI document: {missing}"
    for path, methods in RESOURCE_OPERATIONS.items():
        for method in methods & {"post", "put", "patch"}:
            assert "requestBody" in paths[path][method], f"{method.upper()} {path} documents no body"
        for method in methods - {"get"}:
            assert paths[path][method].get("security") == [{"bearer": []}], f"{method.upper()} {path} needs a token"


# --- fuzzing -----------------------------------------------------------------------

def _config() -> schemathesis.Config:
    """Explicit, file-independent settings: a fixed seed, no example database, no shrinking."""
    config = schemathesis.Config(seed=SEED)
    project = config.projects.get_default()
    project.phases.update(phases=["examples", "fuzzing"])
    project.generation.update(deterministic=True, database="none", no_shrink=True)
    return config


def _operations(schema) -> list:
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())  # raises with the reason when an operation cannot be read
    return operations


def _view_documentation() -> dict:
    """The OpenAPI the API's own views declare (methods, parameters, bodies, security).

    `registry.web.api` registers `View.as_view(...)` functions, not the MethodView
    classes, so flask-smorest documents only a bare GET per path. To fuzz the writes
    anyway, the same view classes are registered here, as classes, on a throwaway
    app in this process; what the served document already has always wins.
    """
    from flask import Flask
    from flask_smorest import Blueprint

    from registry.editing.schemas import NESTED, Begrip, Praktijk
    from registry.web import api as web_api

    app = Flask(__name__)
    app.config.update(API_TITLE="Bamboe API", API_VERSION=web_api.VERSION, OPENAPI_VERSION="3.0.3",
                      API_SPEC_OPTIONS={"components": {"securitySchemes": {"bearer": {"type": "http",
                                                                                         "scheme": "bearer"}}}})
    blueprint = Blueprint("api_v1", __name__, url_prefix="/api/v1")
    routes = [(f"/{s.Meta.collection}", s) for s in (Praktijk, Begrip)]
    routes += [(f"/praktijken/<community>/{s.Meta.collection}", s) for s in NESTED]
    for collection, schema in routes:
        kind = schema.Meta.collection
        blueprint.add_url_rule(collection, f"{kind}_collection", web_api._collection_view(schema))
        blueprint.add_url_rule(collection + "/<slug>", f"{kind}_item", web_api._item_view(schema))
    documentation = web_api.BamboeApi(app)
    documentation.register_blueprint(blueprint)
    return documentation.spec.to_dict()


def _completed(served: dict, views: dict) -> dict:
    """The served document, with whatever it lacks filled in from the views' own documentation."""
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
    return schemathesis.openapi.from_dict(_completed(served.json(), _view_documentation()), config=_config())


@pytest.fixture(scope="module")
def own_resources(editing_node) -> dict[str, dict[str, str]]:
    """Resources this module may break: path parameters per OpenAPI path."""
    headers = editing_node.headers()

    def create(path: str, body: dict) -> str:
        response = requests.post(editing_node.url + "api/v1/" + path, json=body, headers=headers, timeout=30)
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
    report = create(base + "verslagen", {"bijeenkomst": meeting, "datum": "2026-03-06", "titel": "Eerste keer"})
    result = create(base + "resultaten", {"naam": "Buurtmaaltijd", "leerlus": T + "leerlus/enkelslag"})
    concept = create("begrippen", {"label": f"Kladblok {uuid.uuid4().hex[:6]}", "breder": T + "thema/armoede"})
    nested = {"bijeenkomsten": meeting, "verslagen": report, "resultaten": result}
    resources = {"/api/v1/praktijken/{slug}": {"slug": community},
                 "/api/v1/begrippen/{slug}": {"slug": concept}}
    for kind, slug in nested.items():
        resources[f"/api/v1/praktijken/{{community}}/{kind}"] = {"community": community}
        resources[f"/api/v1/praktijken/{{community}}/{kind}/{{slug}}"] = {"community": community, "slug": slug}
    return resources


class WriteBudget:
    """Follows the node's X-RateLimit-* headers; waits for the next window before the reserve is touched."""

    def __init__(self, reserve: int):
        self.reserve = reserve
        self.remaining: int | None = None
        self.reset = 0.0
        self.waited = 0.0

    def before(self) -> None:
        if self.remaining is not None and self.remaining <= self.reserve:
            pause = max(0.0, self.reset - time.time()) + 1.0
            time.sleep(pause)
            self.waited += pause
            self.remaining = None

    def after(self, response) -> None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is not None:
            self.remaining = int(remaining)
            self.reset = float(response.headers.get("X-RateLimit-Reset", time.time() + 60))
        elif response.status_code == 429:
            self.remaining, self.reset = 0, time.time() + float(response.headers.get("Retry-After", 60))


def _strategy(operation, pinned: dict[str, str] | None):
    strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    if pinned:
        strategies += [operation.as_strategy(mode, path_parameters=pinned)
                       for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    return st.one_of(strategies)


def _describe(case, response, headers: dict, failure: FailureGroup) -> str:
    answer = " ".join(response.text.split())
    return (f"{case.operation.label} -> {response.status_code} "
            f"({', '.join(type(error).__name__ for error in failure.exceptions)})\n"
            f"  reproduce: {case.as_curl_command(headers=headers)}\n"
            f"  answer: {answer[:500]}")


def _fuzz(operations, editing_node, own_resources, *, max_examples: int, auth, budget=None) -> list[str]:
    """Run a Hypothesis test per operation; return every 5xx (or lost connection) found."""
    base_url = editing_node.url.rstrip("/")
    found: list[str] = []
    settings = hypothesis.settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.filter_too_much,
                               hypothesis.HealthCheck.data_too_large],
    )
    for operation in operations:
        pinned = own_resources.get(operation.path)

        @settings
        @hypothesis.given(case=_strategy(operation, pinned), with_token=auth, fresh_etag=st.booleans())
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
                found.append(f"{case.operation.label}: no answer ({error})\n"
                             f"  reproduce: {case.as_curl_command(headers=headers, base_url=base_url)}")
                return
            if budget is not None:
                budget.after(response)
            import collections; STATS.setdefault(case.operation.label, collections.Counter())[(with_token, response.status_code, response.headers.get("X-RateLimit-Remaining"))] += 1
            try:
                case.validate_response(response, checks=[not_a_server_error], headers=headers)
            except FailureGroup as failure:
                found.append(_describe(case, response, headers, failure))

        run()
    return found


def test_reads_never_answer_5xx(api_schema, editing_node, own_resources):
    reads = [operation for operation in _operations(api_schema) if operation.method.upper() == "GET"]
    assert {"GET /api/v1/praktijken", "GET /api/v1/praktijken/{slug}"} <= {op.label for op in reads}
    found = _fuzz(reads, editing_node, own_resources, max_examples=READ_EXAMPLES, auth=st.booleans())
    for k, v in STATS.items(): print(k, sorted(v.items()))
    assert not found, f"{len(found)} server errors:\n" + "\n".join(found)


def test_writes_never_answer_5xx(api_schema, editing_node, own_resources):
    writes = [operation for operation in _operations(api_schema) if operation.method.upper() in WRITES]
    assert {"POST /api/v1/praktijken", "DELETE /api/v1/praktijken/{slug}"} <= {op.label for op in writes}
    # deletes last, and the community (which takes its meeting, report and result along) very last
    writes.sort(key=lambda operation: (operation.method.upper() == "DELETE", -operation.path.count("{")))
    budget = WriteBudget(WRITE_RESERVE)
    found = _fuzz(writes, editing_node, own_resources, max_examples=WRITE_EXAMPLES, budget=budget,
                  auth=st.sampled_from((True, True, True, False)))
    assert not found, f"{len(found)} server errors:\n" + "\n".join(found)
    for k, v in STATS.items(): print(k, sorted(v.items()))
    print('waited', budget.waited)
