"""Every `bamboe` command, run as a real process."""
from __future__ import annotations

import subprocess

import pyoxigraph as ox
import pytest
import requests
from conftest import BAMBOE, EXAMPLES, ROOT, bamboe, start_node

COMMANDS = ["init", "serve", "load", "export", "validate", "generate", "demo", "get"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = bamboe(command, "--help")
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 4


@pytest.fixture
def data(tmp_path):
    data_dir = tmp_path / "node"
    bamboe("init", "--name", "Test", "--base-url", "http://127.0.0.1:5999", "--area", "GM0537", data_dir=data_dir)
    return data_dir


def export(data_dir) -> bytes:
    return bamboe("export", data_dir=data_dir).stdout.encode()


def test_init_refuses_to_overwrite_and_checks_codes(data, tmp_path):
    again = bamboe("init", "--name", "X", "--base-url", "http://x/", data_dir=data, check=False)
    assert again.returncode == 3 and "bestaat al" in again.stderr
    bad = bamboe("init", "--name", "X", "--base-url", "http://x/", "--area", "Katwijk", data_dir=tmp_path / "b",
                 check=False)
    assert bad.returncode == 2 and "CBS code" in bad.stderr


def test_load_export_roundtrip(data):
    result = bamboe("load", EXAMPLES / "den-haag-leiden.ttl", data_dir=data)
    assert "Loaded" in result.stdout and "signal(s) for reflection" in result.stdout
    quads = list(ox.parse(export(data), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {"http://127.0.0.1:5999/graph"}
    assert any(q.subject.value == "http://127.0.0.1:5999/praktijken/katwijk-koestal" for q in quads)
    turtle = bamboe("export", "--format", "turtle", data_dir=data).stdout
    assert len(list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))) == len(quads)
    again = bamboe("load", EXAMPLES / "den-haag-leiden.ttl", data_dir=data)
    assert "now holds" in again.stdout
    assert len(list(ox.parse(export(data), format=ox.RdfFormat.N_QUADS))) == len(quads), "reload must not duplicate"


INVALID = {
    "syntax": ("bad.ttl", '<praktijken/x> a <Thing> ;\n  <name> "unterminated .'),
    "missing name": ("noname.ttl", """
        @prefix lp: <https://w3id.org/lerende-praktijken/def#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        <praktijken/x> a lp:LearningCommunity ;
          dct:subject <https://w3id.org/lerende-praktijken/id/thema/armoede> ;
          dct:type <https://w3id.org/lerende-praktijken/id/soort/leergemeenschap> ;
          lp:level <https://w3id.org/lerende-praktijken/id/niveau/wijk> ."""),
    "not a CBS code": ("place.ttl", """
        @prefix lp: <https://w3id.org/lerende-praktijken/def#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix schema: <http://schema.org/> .
        <praktijken/x> a lp:LearningCommunity ; schema:name "X" ;
          dct:subject <https://w3id.org/lerende-praktijken/id/thema/armoede> ;
          dct:type <https://w3id.org/lerende-praktijken/id/soort/leergemeenschap> ;
          lp:level <https://w3id.org/lerende-praktijken/id/niveau/wijk> ;
          dct:spatial <https://example.org/katwijk> ."""),
    "remote json-ld context": ("remote.jsonld", '{"@context": "https://example.org/ctx.jsonld", "@id": "praktijken/x"}'),
    "empty": ("empty.ttl", ""),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_file_is_refused_and_changes_nothing(data, tmp_path, case):
    bamboe("load", EXAMPLES / "utrecht.ttl", data_dir=data)
    before = export(data)
    name, text = INVALID[case]
    path = tmp_path / name
    path.write_text(text)
    result = bamboe("load", EXAMPLES / "nijmegen.ttl", path, data_dir=data, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error:")
    assert export(data) == before


def test_validate_reports_violations_with_exit_code(tmp_path):
    ok = bamboe("validate", *sorted(EXAMPLES.glob("*.ttl")))
    assert "Conforms" in ok.stdout
    path = tmp_path / "bad.ttl"
    path.write_text(INVALID["missing name"][1])
    bad = bamboe("validate", path, check=False)
    assert bad.returncode == 1 and "Violation" in bad.stdout


def test_generate_is_valid_and_repeatable(tmp_path):
    first = bamboe("generate", "--base-url", "http://127.0.0.1:5999/", "--communities", "20", "--seed", "7").stdout
    second = bamboe("generate", "--base-url", "http://127.0.0.1:5999/", "--communities", "20", "--seed", "7").stdout
    assert first == second
    path = tmp_path / "gen.ttl"
    path.write_text(first)
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    communities = {t.subject for t in triples if t.object.value.endswith("#LearningCommunity")}
    assert len(communities) == 20
    assert "Conforms" in bamboe("validate", "--base-url", "http://127.0.0.1:5999/", path).stdout


def test_get_prints_a_resource_without_a_server(data):
    bamboe("load", EXAMPLES / "den-haag-leiden.ttl", data_dir=data)
    result = bamboe("get", "/praktijken/katwijk-koestal", data_dir=data)
    assert "Koestal" in result.stdout
    missing = bamboe("get", "/praktijken/nergens", data_dir=data, check=False)
    assert missing.returncode == 1


def test_load_while_serving_goes_through_the_node(tmp_path):
    node = start_node(tmp_path / "live", "utrecht.ttl")
    try:
        before = requests.get(node.url + "praktijken.ttl").text
        bamboe("load", EXAMPLES / "nijmegen.ttl", data_dir=node.data_dir)
        after = requests.get(node.url + "praktijken.ttl").text
        assert len(after) > len(before)
        second = subprocess.run([*BAMBOE, "serve", "--data", str(node.data_dir), "--port", "0"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 3 and "draait al een node" in second.stderr
    finally:
        node.stop()


def test_load_jsonld_with_the_shipped_context(data, tmp_path):
    document = {
        "@context": "https://w3id.org/lerende-praktijken/context.jsonld",
        "@id": "praktijken/json-ld-praktijk",
        "@type": "LearningCommunity",
        "name": {"@value": "Leerkring uit JSON-LD", "@language": "nl"},
        "theme": "lpid:thema/armoede",
        "kind": "lpid:soort/leergemeenschap",
        "level": "lpid:niveau/lokaal",
    }
    path = tmp_path / "praktijk.jsonld"
    path.write_text(__import__("json").dumps(document))
    bamboe("load", path, data_dir=data)
    turtle = bamboe("get", "/praktijken/json-ld-praktijk", data_dir=data).stdout
    graph = list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "Leerkring uit JSON-LD" for t in graph)
    assert any(t.object.value == "https://w3id.org/lerende-praktijken/id/thema/armoede" for t in graph)
