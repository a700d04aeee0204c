"""The shared vocabulary as files, plus where to find them.

Data only: the ontology (`def/`), SKOS concept schemes (`concepts/`), SHACL shapes
(`shapes/`: core violations and recommended warnings), the JSON-LD context
(`context/`) and example data (`examples/`). Imports nothing of Bamboe's.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
LP = "https://w3id.org/lerende-praktijken/def#"
ONTOLOGY = "https://w3id.org/lerende-praktijken/def"
CONCEPTS = "https://w3id.org/lerende-praktijken/id/"
SHAPES = "https://w3id.org/lerende-praktijken/shapes#"
LPH = "https://w3id.org/lerende-praktijken/harvest#"
CONTEXT_URL = "https://w3id.org/lerende-praktijken/context.jsonld"

PREFIXES = {
    "lp": LP,
    "schema": "http://schema.org/",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "void": "http://rdfs.org/ns/void#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "lph": LPH,
    "http": "http://www.w3.org/2011/http#",
}


def ontology_file() -> Path:
    return HERE / "def" / "lp.ttl"


def harvest_vocabulary_file() -> Path:
    return HERE / "def" / "harvest.ttl"


def concept_files() -> list[Path]:
    return sorted((HERE / "concepts").glob("*.ttl"))


def core_shapes_file() -> Path:
    return HERE / "shapes" / "core.ttl"


def recommended_shapes_file() -> Path:
    return HERE / "shapes" / "recommended.ttl"


def example_files() -> list[Path]:
    return sorted((HERE / "examples").glob("*.ttl"))


def context_file() -> Path:
    return HERE / "context" / "lp.jsonld"


@cache
def context() -> dict:
    """Return the JSON-LD context document (`{"@context": {...}}`), read from the shipped file."""
    return json.loads(context_file().read_text(encoding="utf-8"))


def all_turtle_files() -> list[Path]:
    """Every vocabulary file a node publishes: ontology, schemes and shapes."""
    return [ontology_file(), *concept_files(), core_shapes_file(), recommended_shapes_file()]


EXAMPLES_WRITTEN_ON = date(2026, 12, 3)
"""The day the example files describe as today: their past meetings are held, later ones planned."""
_DATE_LITERAL = re.compile(r'"(\d{4}-\d{2}-\d{2})(T[^"]*)?"\^\^xsd:(date|dateTime)\b')


def example_text(path: Path, today: date | None = None) -> str:
    """An example file with its dates moved by whole weeks so that `today` looks like the day it
    was written: the demo and the tests stay alive (recent meetings, planned ones, reports a
    week after) however long after that day they run. Weekdays stay the same."""
    text = path.read_text(encoding="utf-8")
    weeks = ((today or date.today()) - EXAMPLES_WRITTEN_ON).days // 7
    if weeks == 0:
        return text
    shift = timedelta(weeks=weeks)

    def moved(match: re.Match) -> str:
        day = date.fromisoformat(match.group(1)) + shift
        return f'"{day.isoformat()}{match.group(2) or ""}"^^xsd:{match.group(3)}'
    return _DATE_LITERAL.sub(moved, text)
