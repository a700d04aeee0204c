"""API v1 meets the Dutch API Design Rules: Logius' own linter passes, and the API does what it documents.

The linter is the official Spectral ruleset (tests/standards/adr/linter.yaml, see the README
there), run with the real Spectral CLI against the OpenAPI document a running node serves.
It is an error for a node to document no `API-Version` header, so the second half checks
that the header is really sent, with the documented version, on answers good and bad.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter

import pytest
import requests

from conftest import ROOT, start_editing_node
from sparqlhub import shared_hub
from registry.config import DEFAULTS
from registry.web.api_spec import spec_options

RULESET = ROOT / "tests" / "standards" / "adr" / "linter.yaml"
SPECTRAL = ROOT / "tests" / "browser" / "node_modules" / "@stoplight" / "spectral-cli" / "dist" / "index.js"
SEVERITY = {0: "error", 1: "warning", 2: "info", 3: "hint"}
CONTACT = "api@wsd-denhaag.example"


@pytest.fixture(scope="module")
def adr_node(tmp_path_factory):
    """A node with editing accounts and, as a real deployment has, a role e-mail address."""
    started = start_editing_node(tmp_path_factory.mktemp("adr"), env={"BAMBOE_CONTACT": CONTACT})
    yield started
    started.node.stop()


@pytest.fixture(scope="module")
def document(adr_node) -> dict:
    return requests.get(adr_node.url + "api/v1/openapi.json", timeout=30).json()


def spectral(url: str) -> list[dict]:
    """Lint the document at `url` with the official ruleset; Spectral's findings as JSON."""
    node = shutil.which("node")
    assert node and SPECTRAL.exists(), (
        "the Spectral CLI is missing: run `npm ci --prefix tests/browser` (as .ci/run does)")
    result = subprocess.run([node, str(SPECTRAL), "lint", "--ruleset", str(RULESET), url, "--format", "json",
                             "--quiet"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.strip().startswith("["), f"spectral failed ({result.returncode}):\n{result.stderr}"
    return json.loads(result.stdout)


def test_the_official_adr_linter_reports_no_errors(adr_node):
    findings = spectral(adr_node.url + "api/v1/openapi.json")
    by_rule = Counter((SEVERITY[f["severity"]], f["code"]) for f in findings)
    print("ADR lint:", dict(by_rule) or "clean")
    for finding in findings:
        if finding["severity"] > 0:  # e.g. `servers-use-https`: the test node has an http base_url
            print(f"  {SEVERITY[finding['severity']]} {finding['code']}: {finding['message']}")
    errors = [f"{f['code']} at {'.'.join(map(str, f['path']))}: {f['message']}" for f in findings if f["severity"] == 0]
    assert not errors, f"{len(errors)} ADR errors:\n" + "\n".join(errors)


def test_the_hubs_api_passes_the_linter_too(request, node):
    hub = shared_hub(request, node)
    findings = spectral(hub.url + "api/v1/openapi.json")
    errors = [f"{f['code']}: {f['message']}" for f in findings if f["severity"] == 0]
    assert not errors, f"{len(errors)} ADR errors on the hub:\n" + "\n".join(errors)


def test_document_names_this_node_and_its_contact(adr_node, document):
    assert document["servers"][0]["url"] == adr_node.url + "api/v1"
    assert document["info"]["contact"] == {"name": "WSD Den Haag & Leiden", "url": adr_node.url, "email": CONTACT}


def test_a_node_without_contact_address_gets_none_made_up():
    contact = spec_options({**DEFAULTS, "name": "Testnode", "contact": ""})["info"]["contact"]
    assert contact == {"name": "Testnode", "url": DEFAULTS["base_url"]}


def test_every_documented_response_documents_api_version(document):
    components = document["components"]["responses"]
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items() if isinstance(operation, dict) else ():
                if "$ref" in response:
                    response = components[response["$ref"].rsplit("/", 1)[1]]
                if "API-Version" not in response.get("headers", {}):
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing, missing


def test_api_version_is_sent_on_answers_good_and_bad(adr_node, document):
    api = adr_node.url + "api/v1/praktijken"
    listed = requests.get(api, timeout=30)
    item = api + "/" + listed.json()[0]["id"].rsplit("/", 1)[1]
    etag = requests.get(item, timeout=30).headers["ETag"]
    write = adr_node.headers(**{"Content-Type": "application/json"})
    answers = {
        200: listed,
        304: requests.get(item, headers={"If-None-Match": etag}, timeout=30),
        400: requests.get(api + "?pagina=0", timeout=30),
        401: requests.post(api, json={}, timeout=30),
        404: requests.get(api + "/bestaat-niet", timeout=30),
        406: requests.get(api, headers={"Accept": "text/csv"}, timeout=30),
        413: requests.post(api, data=b"[" + b" " * 2_000_000 + b"]", headers=write, timeout=30),  # waitress refuses it
        415: requests.post(api, data="naam=x", headers=adr_node.headers(), timeout=30),
        428: requests.delete(item, headers=adr_node.headers(), timeout=30),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.text)
        assert response.headers.get("API-Version") == document["info"]["version"], (status, dict(response.headers))
        if status >= 400:
            assert response.headers["Content-Type"] == "application/problem+json", status
            assert {"type", "title", "status", "detail"} <= response.json().keys(), status


def test_a_malformed_if_match_is_refused_with_400(adr_node):
    """DELETE has a parameter (If-Match), so ADR wants a 400 for bad input; an unquoted ETag is bad input."""
    api = adr_node.url + "api/v1/praktijken"
    item = api + "/" + requests.get(api, timeout=30).json()[0]["id"].rsplit("/", 1)[1]
    etag = requests.get(item, timeout=30).headers["ETag"]
    for malformed in (etag.strip('"'), f"{etag}, ", 'W/"a" "b"'):
        refused = requests.delete(item, headers=adr_node.headers(**{"If-Match": malformed}), timeout=30)
        assert refused.status_code == 400, (malformed, refused.text)
        assert [p["name"] for p in refused.json()["invalidParams"]] == ["If-Match"]
    assert requests.get(item, timeout=30).status_code == 200  # still there
    stale = requests.delete(item, headers=adr_node.headers(**{"If-Match": f'W/"x", "y"'}), timeout=30)
    assert stale.status_code == 412, stale.text  # well-formed, just not current
