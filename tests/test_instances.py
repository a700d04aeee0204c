"""instances.yaml: the shipped member lists, line-numbered validation of bad files, and the CLI."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT, bamboe
from harvesters.instances import load_instances
from registry.demo import DEMO_NODES, demo_instances
from registry.errors import InstancesError
from registry.places import is_cbs_code

REAL = ROOT / "instances.yaml"
DEMO = ROOT / "instances.demo.yaml"

# Lead hogeschool and the seat gemeente(n) its node must cover (public facts, werkplaatsen.md).
LEAD_HOGESCHOLEN = [
    ("Hogeschool van Amsterdam", ["GM0363"]),
    ("Fontys Hogescholen", ["GM0772"]),
    ("Avans Hogeschool", ["GM0796"]),
    ("NHL Stenden", ["GM0080"]),
    ("Hanzehogeschool", ["GM0014"]),
    ("Hogeschool Inholland", ["GM0392"]),
    ("Hogeschool Leiden", ["GM0546", "GM0518"]),
    ("De Haagse Hogeschool", ["GM0546", "GM0518"]),
    ("Zuyd Hogeschool", ["GM0935"]),
    ("Hogeschool van Arnhem en Nijmegen", ["GM0202", "GM0268"]),
    ("Hogeschool Rotterdam", ["GM0599"]),
    ("Saxion", ["GM0153"]),
    ("Hogeschool Utrecht", ["GM0344"]),
    ("Viaa", ["GM0193"]),
    ("Windesheim", ["GM0034"]),
    ("Christelijke Hogeschool Ede", ["GM0228"]),
    ("HZ University of Applied Sciences", ["GM0687"]),
]

# One valid node; line 1 `nodes:`, 2 id, 3 name, 4 url, 5 level, 6 area.
NODE_A = """\
nodes:
  - id: a
    name: A
    url: "https://a.example.org/"
    level: regionaal
    area: [GM0537]
"""
NODE_B = """\
  - id: b
    name: B
    url: "https://b.example.org/"
    level: regionaal
    area: [GM0546]
"""


def write(tmp_path, text: str):
    path = tmp_path / "instances.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(InstancesError) as caught:
        load_instances(path)
    return caught.value.context["problems"]


def by_id(members):
    return {member.id: member for member in members}


# --- the real member list -------------------------------------------------------------------

def test_real_list_has_sixteen_nodes_with_unique_ids():
    members = load_instances(REAL)
    assert len(members) == 16
    assert len({member.id for member in members}) == 16


def test_real_list_fourteen_since_2013_ede_since_2020_zeeland_in_preparation():
    members = by_id(load_instances(REAL))
    since_2013 = [m for m in members.values() if m.since == 2013]
    assert len(since_2013) == 14
    assert all(m.status == "actief" for m in since_2013)
    ede = members["ede"]
    assert (ede.since, ede.status, ede.hogeschool, ede.area) == (2020, "actief", "Christelijke Hogeschool Ede", ("GM0228",))
    zeeland = members["zeeland"]
    assert zeeland.status == "in-voorbereiding"
    assert zeeland.hogeschool.startswith("HZ")


def test_real_list_has_no_urls_so_nothing_is_harvestable():
    members = load_instances(REAL)
    assert [m.url for m in members] == [""] * 16
    assert not any(m.harvestable for m in members)


def test_real_list_area_codes_are_cbs_gemeente_codes():
    codes = [code for member in load_instances(REAL) for code in member.area]
    assert codes
    for code in codes:
        assert re.fullmatch(r"GM\d{4}", code) and is_cbs_code(code), code


@pytest.mark.parametrize("hogeschool, seats", LEAD_HOGESCHOLEN, ids=[h for h, _ in LEAD_HOGESCHOLEN])
def test_real_list_names_each_lead_hogeschool_with_its_seat(hogeschool, seats):
    matching = [m for m in load_instances(REAL) if hogeschool in m.hogeschool]
    assert len(matching) == 1, f"{hogeschool} leads {len(matching)} nodes"
    assert set(seats) <= set(matching[0].area)


def test_real_list_den_haag_leiden_covers_katwijk():
    assert "GM0537" in by_id(load_instances(REAL))["den-haag-leiden"].area


def test_real_list_arnhem_nijmegen_covers_venlo():
    assert "GM0983" in by_id(load_instances(REAL))["arnhem-nijmegen"].area


# --- the demo member list -------------------------------------------------------------------

def test_demo_file_equals_generated_demo_instances():
    assert DEMO.read_bytes() == demo_instances(5000).encode("utf-8")


def test_demo_file_points_at_demo_nodes():
    members = load_instances(DEMO)
    assert [m.id for m in members] == [demo.id for demo in DEMO_NODES]
    for port, (member, demo) in enumerate(zip(members, DEMO_NODES), start=5001):
        assert member.url == f"http://127.0.0.1:{port}/"
        assert (member.level, member.area, member.name) == (demo.level, demo.area, demo.name)
        assert member.harvestable
        assert member.interval_s == 600


def test_demo_landelijk_is_the_parent_of_the_others():
    members = by_id(load_instances(DEMO))
    assert members["landelijk"].level == "landelijk"
    assert members["landelijk"].parent is None
    assert {m.parent for id_, m in members.items() if id_ != "landelijk"} == {"landelijk"}


# --- bad files: line and field of each problem ----------------------------------------------

BAD_FILES = {
    "unknown-field": (NODE_A + "    intervl: 6h\n", 7, "nodes.0.intervl"),
    "missing-url": (NODE_A.replace('    url: "https://a.example.org/"\n', ""), 2, "nodes.0.url"),
    "bad-cbs-code": (NODE_A.replace("[GM0537]", "[GM0537, GM537]"), 6, "nodes.0.area.1"),
    "unknown-code-prefix": (NODE_A.replace("[GM0537]", "[XX0537]"), 6, "nodes.0.area.0"),
    "bad-level": (NODE_A.replace("level: regionaal", "level: provinciaal"), 5, "nodes.0.level"),
    "bad-status": (NODE_A + "    status: misschien\n", 7, "nodes.0.status"),
    "bad-id": (NODE_A.replace("id: a", "id: Den_Haag"), 2, "nodes.0.id"),
    "duplicate-id": (NODE_A + NODE_B.replace("id: b", "id: a"), 7, "nodes.1.id"),
    "duplicate-url": (NODE_A + NODE_B.replace("b.example.org", "a.example.org"), 9, "nodes.1.url"),
    "unknown-parent": (NODE_A + "    parent: nergens\n", 7, "nodes.0.parent"),
    "own-parent": (NODE_A + "    parent: a\n", 7, "nodes.0.parent"),
    "bad-interval": (NODE_A + "    interval: 6 uur\n", 7, "nodes.0.interval"),
    "interval-under-a-minute": (NODE_A + "    interval: 0\n", 7, "nodes.0.interval"),
    "url-with-query": (NODE_A.replace("org/", "org/?page=2"), 4, "nodes.0.url"),
    "url-with-fragment": (NODE_A.replace("org/", "org/#top"), 4, "nodes.0.url"),
    "url-not-http": (NODE_A.replace("https://", "ftp://"), 4, "nodes.0.url"),
    "since-as-text": (NODE_A + '    since: "2013"\n', 7, "nodes.0.since"),
    "missing-nodes": ("# a comment\nnode: []\n", 2, "nodes"),
    "nodes-null": ("nodes:\n", 1, "nodes"),
    # A block scalar leaves a line break at the end of the value; `$` in the checks lets it through.
    "url-with-line-break": (NODE_A.replace('url: "https://a.example.org/"', "url: |\n      https://a.example.org/"),
                            4, "nodes.0.url"),
    "area-code-with-line-break": (NODE_A.replace("[GM0537]", '["GM0537\\n"]'), 6, "nodes.0.area.0"),
}


@pytest.mark.parametrize("text, line, field", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_names_line_and_field(tmp_path, text, line, field):
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert any(p.startswith(f"{path}:{line}: {field}: ") for p in problems), problems


def test_bad_file_detail_lists_every_problem(tmp_path):
    path = write(tmp_path, NODE_A.replace("level: regionaal", "level: x") + NODE_B.replace("[GM0546]", "[GM05]"))
    with pytest.raises(InstancesError) as caught:
        load_instances(path)
    problems = caught.value.context["problems"]
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:5: nodes.0.level: ")
    assert problems[1].startswith(f"{path}:11: nodes.1.area.0: ")
    assert "2 fout(en)" in caught.value.detail
    assert all(p in caught.value.detail for p in problems)


def test_field_errors_and_duplicate_id_reported_together(tmp_path):
    path = write(tmp_path, NODE_A + "    intervl: 6h\n" + NODE_B + NODE_B)
    problems = problems_of(path)
    assert any(p.startswith(f"{path}:7: nodes.0.intervl: ") for p in problems), problems
    assert any(p.startswith(f"{path}:13: nodes.2.id: ") for p in problems), problems


def test_top_level_list_is_refused(tmp_path):
    path = write(tmp_path, "- id: a\n- id: b\n")
    with pytest.raises(InstancesError, match="verwacht een mapping met een lijst 'nodes:'"):
        load_instances(path)


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InstancesError, match="verwacht een mapping"):
        load_instances(write(tmp_path, ""))


def test_invalid_yaml_names_its_line(tmp_path):
    path = write(tmp_path, NODE_A + "    name: B: C\n")
    with pytest.raises(InstancesError) as caught:
        load_instances(path)
    assert caught.value.detail.startswith(f"{path} regel 7: geen geldige YAML")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InstancesError, match="niet te lezen"):
        load_instances(tmp_path / "absent.yaml")


def test_instances_module_imports_on_its_own():
    result = subprocess.run([sys.executable, "-c", "import harvesters.instances"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- good edge cases ------------------------------------------------------------------------

@pytest.mark.parametrize("url, normalised", [
    ("https://a.example.org", "https://a.example.org/"),
    ("https://a.example.org/", "https://a.example.org/"),
    ("https://a.example.org/bamboe//", "https://a.example.org/bamboe/"),
    ("http://127.0.0.1:5001", "http://127.0.0.1:5001/"),
])
def test_url_gets_exactly_one_trailing_slash(tmp_path, url, normalised):
    [member] = load_instances(write(tmp_path, NODE_A.replace("https://a.example.org/", url)))
    assert member.url == normalised


def test_area_codes_are_upper_cased(tmp_path):
    [member] = load_instances(write(tmp_path, NODE_A.replace("[GM0537]", "[gm0537, wk053700]")))
    assert member.area == ("GM0537", "WK053700")


@pytest.mark.parametrize("written, seconds", [("90", 5400), ("30m", 1800), ("6h", 21600), ("1d", 86400),
                                              ("1m", 60)])
def test_interval_forms_in_seconds(tmp_path, written, seconds):
    [member] = load_instances(write(tmp_path, NODE_A + f"    interval: {written}\n"))
    assert member.interval_s == seconds


@pytest.mark.parametrize("written", ["0", "0m"])
def test_interval_under_a_minute_is_refused(tmp_path, written):
    path = write(tmp_path, NODE_A + f"    interval: {written}\n")
    assert problems_of(path) == [f"{path}:7: nodes.0.interval: Een interval is minstens 1 minuut."]


def test_optional_fields_default(tmp_path):
    [member] = load_instances(write(tmp_path, NODE_A))
    assert (member.parent, member.interval_s, member.status, member.since) == (None, None, "actief", None)
    assert member.harvestable


def test_stopped_node_is_not_harvestable(tmp_path):
    [member] = load_instances(write(tmp_path, NODE_A + "    status: gestopt\n"))
    assert not member.harvestable


# --- command line ---------------------------------------------------------------------------

def test_cli_instances_lists_the_real_nodes():
    result = bamboe("instances", REAL)
    lines = result.stdout.splitlines()
    assert len(lines) == 16
    assert [line.split("\t")[0] for line in lines] == [m.id for m in load_instances(REAL)]
    assert all("(no URL yet)" in line for line in lines)
    assert "16 node(s), 0 with a URL." in result.stderr


def test_cli_instances_bad_file_exits_1_naming_the_line(tmp_path):
    path = write(tmp_path, NODE_A + "    intervl: 6h\n")
    result = bamboe("instances", path, check=False)
    assert result.returncode == 1
    assert f"{path}:7: nodes.0.intervl: Unknown field." in result.stderr
    assert result.stdout == ""


def test_cli_init_refuses_bad_instances_and_writes_nothing(tmp_path):
    bad = write(tmp_path, NODE_A + NODE_B.replace("id: b", "id: a"))
    data_dir = tmp_path / "hub"
    result = bamboe("init", "--name", "Hub", "--base-url", "http://127.0.0.1:9/", "--instances", bad,
                    data_dir=data_dir, check=False)
    assert result.returncode != 0
    assert f"{bad}:7: nodes.1.id" in result.stderr
    assert not (data_dir / "bamboe.toml").exists()


def test_cli_init_stores_absolute_instances_path(tmp_path):
    write(tmp_path, NODE_A)
    data_dir = tmp_path / "hub"
    bamboe("init", "--name", "Hub", "--base-url", "http://127.0.0.1:9/", "--instances", "instances.yaml",
           data_dir=data_dir, cwd=tmp_path)
    settings = tomllib.loads((data_dir / "bamboe.toml").read_text(encoding="utf-8"))
    assert settings["instances"] == str((tmp_path / "instances.yaml").resolve())


def test_a_node_url_inside_another_nodes_url_is_refused(tmp_path):
    """Scope is by base URL: a node under another's URL could write the other's data."""
    path = write(tmp_path, """nodes:
  - {id: a, name: A, url: "https://h.example/", level: regionaal, area: []}
  - {id: b, name: B, url: "https://h.example/b/", level: lokaal, area: []}
""")
    found = problems_of(path)
    assert len(found) == 1 and f"{path}:3: nodes.1.url: Ligt onder de URL van een andere node" in found[0]


def test_confirm_removals_goes_with_one_node_not_all(tmp_path):
    result = bamboe("harvest", "--all", "--confirm-removals", data_dir=tmp_path, check=False)
    assert result.returncode == 2 and "--confirm-removals goes with --node" in result.stderr
