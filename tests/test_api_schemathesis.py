"""Property-based tests of API v1 with Schemathesis: no request, however odd, gets a 5xx.

The OpenAPI document is loaded from a real node (`bamboe serve`) over HTTP.
Schemathesis generates valid and invalid requests from it (path, query, headers, JSON
bodies) and sends them to that node. Each 5xx is recorded with a curl command that
reproduces it and the node's answer, and fails the test.

Reads go out with and without the editor's token. Writes mostly go out with it, so
they get past auth into validation and storage. Some requests target resources this
module creates itself (a community with a meeting, a report and a result, and a
concept). About half of those carry the resource's current ETag, so updates and
deletes also get past 404 and 412. The node's example data only ever gets a random
If-Match.

API writes are rate limited per client address (today the count is also per route).
The write test reads the node's X-RateLimit-* headers and sizes its run to the limit.
When only a reserve is left, it waits for the next window, so other tests on the same
node still have writes to spend. A 429 is an answer, not a failure.

The node logs a traceback for every 500. The shared node's stdout is a pipe that
nobody reads while it runs, so enough tracebacks would block it (about 16 did in a
trial). That is why each operation stops after its first 5xx, and the whole run stops
once the node no longer answers.

Schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) does not
work under pytest 9 (it sets `Function._nodeid`). Instead, each operation gets a
plain Hypothesis test over `APIOperation.as_strategy`, with valid and invalid input
mixed. Runs are reproducible: derandomized, no example database, no shrinking.
"""
from __future__ import annotations

import time
import uuid

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup

OPENAPI = "api/v1/openapi.json"
T = "https://w3id.org/lerende-praktijken/id/"
READ_EXAMPLES = 25  # per GET operation
WRITE_EXAMPLES = 25  # per POST/PUT/PATCH/DELETE operation, fewer when the node's write limit is low
WRITE_MINUTES = 1.5  # at most this many rate limit windows' worth of writes
WRITE_RESERVE = 30  # writes per window left to the other tests on the shared node
REQUEST_TIMEOUT = 20  # seconds per request; a node that takes longer counts as stopped
WRITES = ("POST", "PUT", "PATCH", "DELETE")
NESTED = ("bijeenkomsten", "verslagen", "resultaten")
API_OPERATIONS = {
    "/praktijken": {"get", "post"},
    "/praktijken/{slug}": {"get", "put", "patch", "delete"},
    "/begrippen": {"get", "post"},
    "/begrippen/{slug}": {"get", "put", "patch", "delete"},
    **{f"/praktijken/{{community}}/{kind}": {"get", "post"} for kind in NESTED},
    **{f"/praktijken/{{community}}/{kind}/{{slug}}": {"get", "put", "patch", "delete"} for kind in NESTED},
}


def _load(editing_node):
    """The served document through Schemathesis' loader, with a plain config (no schemathesis.toml)."""
    return schemathesis.openapi.from_url(editing_node.url + OPENAPI, config=schemathesis.Config(), timeout=30)


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]  # .ok() raises if one cannot be read


# --- the document itself -----------------------------------------------------------

@pytest.fixture(scope="module")
def served(editing_node) -> requests.Response:
    """The OpenAPI document as a page on another site gets it: no token, no cookie."""
    return requests.get(editing_node.url + OPENAPI, headers={"Origin": "https://elders.example"}, timeout=30)


def test_openapi_document_is_public_json_with_cors(served, editing_node):
    assert served.status_code == 200, served.text
    assert served.headers["Content-Type"].split(";")[0] == "application/json"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    document = served.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": editing_node.url + "api/v1"}]  # its own node, paths relative


def test_openapi_document_is_valid_openapi_3(editing_node):
    schema = _load(editing_node)
    schema.validate()  # against the OpenAPI 3.0 meta-schema; raises with the first violation
    labels = {operation.label for operation in _operations(schema)}
    assert {"GET /praktijken", "POST /praktijken", "GET /praktijken/{slug}"} <= labels


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


# --- fuzzing -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_schema(editing_node):
    return _load(editing_node)


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
    resources = {"/praktijken/{slug}": {"slug": community}, "/begrippen/{slug}": {"slug": concept}}
    for kind, slug in children.items():
        resources[f"/praktijken/{{community}}/{kind}"] = {"community": community}
        resources[f"/praktijken/{{community}}/{kind}/{{slug}}"] = {"community": community, "slug": slug}
    return resources


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


def _fuzz(operations, editing_node, own_resources, *, max_examples: int, with_token, budget=None) -> dict[str, str]:
    """A Hypothesis test per operation; returns the first 5xx (or lost answer) per operation."""
    base_url = editing_node.url + "api/v1"  # the document's `servers`: its paths are relative to it
    found: dict[str, str] = {}
    gone: list[str] = []  # the node stopped answering: send nothing more
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
            if gone or case.operation.label in found:
                return
            headers = editing_node.headers() if with_token else {}
            if fresh_etag and pinned and case.method.upper() in ("PUT", "PATCH", "DELETE"):
                current = requests.get(base_url + case.formatted_path, timeout=REQUEST_TIMEOUT)
                if "ETag" in current.headers:
                    headers["If-Match"] = current.headers["ETag"]
            if budget is not None:
                budget.before()
            try:
                response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT)
            except (requests.ConnectionError, requests.Timeout) as error:
                gone.append(case.operation.label)
                found[case.operation.label] = (f"no answer ({type(error).__name__}); the node stopped answering\n"
                                               f"    {case.as_curl_command(headers=headers, base_url=base_url)}")
                return
            if budget is not None:
                budget.after(response.status_code,
                             CaseInsensitiveDict({name: values[0] for name, values in response.headers.items()}))
            try:
                case.validate_response(response, checks=[not_a_server_error], headers=headers)
            except FailureGroup:
                answer = " ".join(response.text.split())[:300]
                found[case.operation.label] = (f"{response.status_code}: {answer}\n"
                                               f"    {case.as_curl_command(headers=headers, base_url=base_url)}")

        run()
    return found


def _report(found: dict[str, str]) -> str:
    lines = [f"server errors on {len(found)} operations (the first per operation; Authorization filtered, "
             "any editor token works):"]
    lines += [f"{label} -> {failure}" for label, failure in found.items()]
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
