"""The SHACL shapes compiled to SPARQL, so Oxigraph validates at the speed of the store.

pySHACL walks every focus node in Python over rdflib: 1.7 s for one node of 100
communities, which made validation 92 % of a harvest. Here each constraint of the
shapes becomes one SELECT that returns every violation at once (`?this` the focus
node, `?value` the offending value), run on an in-memory pyoxigraph store.

Only the SHACL the shapes use is compiled: targets (class, subjects of, objects of,
node), predicate and SPARQL property paths, min/maxCount, datatype, nodeKind,
pattern, in, hasValue, or, node, class, lessThan(OrEquals), min/max In/Exclusive,
min/maxLength and SPARQL-based constraints. Anything else raises `UnsupportedShape`
when the shapes are read, never silently passes. pySHACL stays the reference:
`tests/test_validation_engines.py` checks both give the same results on the example,
generated and deliberately broken data.

The query text is generated from the shapes file (which we ship), never from request
data: terms are written by pyoxigraph, so an IRI or pattern cannot break out.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

import vocab

CHECKED_DATATYPES = {
    XSD.date: "xsd:date", XSD.dateTime: "xsd:dateTime", XSD.integer: "xsd:integer",
    XSD.decimal: "xsd:decimal", XSD.boolean: "xsd:boolean", XSD.double: "xsd:double",
    XSD.float: "xsd:float",
}
"""Datatypes whose lexical form is checked (pySHACL rejects ill-typed literals of these);
Oxigraph's cast of the string is unbound exactly when the form is not valid."""

PREFIXES = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" \
           "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
           "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"

HANDLED = {
    RDF.type, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property, SH.path,
    SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
    SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH["in"], SH.hasValue,
    SH["or"], SH.node, SH["class"], SH.lessThan, SH.lessThanOrEquals, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.sparql,
    rdflib.RDFS.label, rdflib.RDFS.comment,
}


class UnsupportedShape(ValueError):
    """The shapes use SHACL this compiler does not handle: extend it, or use pySHACL."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query: every row is one violation (or warning)."""

    severity: str  # "Violation", "Warning" or "Info"
    shape: str  # the named shape answering for it (a blank property shape answers by its node shape)
    path: str | None  # the property checked, for the finding
    messages: dict[str, str]
    query: str


@cache
def shapes_graph(core_only: bool = False) -> rdflib.Graph:
    """The shared shapes: core rules (violations) and, unless core_only, the reflection signals."""
    graph = rdflib.Graph()
    files = [vocab.core_shapes_file()] + ([] if core_only else [vocab.recommended_shapes_file()])
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@cache
def checks(core_only: bool) -> tuple[Check, ...]:
    """Compile the shipped shapes (core, and unless core_only the recommended ones)."""
    return tuple(compile_shapes(shapes_graph(core_only)))


def compile_shapes(graph: rdflib.Graph) -> list[Check]:
    """Every check of every shape that has a target (shapes reached by sh:node are inlined)."""
    found = []
    targeted = {s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                for s in graph.subjects(p, None)}
    for shape in sorted(targeted):
        found += _ShapeCompiler(graph, shape).checks()
    return found


class _ShapeCompiler:
    def __init__(self, graph: rdflib.Graph, shape):
        self.g, self.shape = graph, shape
        self.severity = str(graph.value(shape, SH.severity, default=SH.Violation)).rsplit("#", 1)[-1]

    def checks(self) -> list[Check]:
        _require_handled(self.g, self.shape)
        found = [self._check(self.shape, None, f"FILTER(!({condition}))", "?this", self.severity)
                 for condition in self._value_conditions(self.shape, "?this")]
        for constraint in self.g.objects(self.shape, SH.sparql):
            found.append(self._sparql_check(constraint))
        for prop in self.g.objects(self.shape, SH.property):
            found += self._property_checks(prop)
        return found

    # -- focus nodes ---------------------------------------------------------------------------

    def targets(self) -> str:
        """A group pattern binding ?this to each focus node once."""
        g, shape, parts = self.g, self.shape, []
        for cls in g.objects(shape, SH.targetClass):
            parts.append(f"{{ ?this rdf:type/rdfs:subClassOf* {_nt(cls)} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {_nt(p)} ?_any }}")
        for p in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_any {_nt(p)} ?this }}")
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("{ VALUES ?this { " + " ".join(_nt(n) for n in nodes) + " } }")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # -- one check --------------------------------------------------------------------------------

    def _check(self, source, path, where: str, value: str, severity: str) -> Check:
        """A SELECT of each focus node and offending value matching `where`."""
        projected = "?this" if value == "?this" else f"?this {value}"
        query = f"{PREFIXES}SELECT DISTINCT {projected} WHERE {{ {self.targets()} {where} }}"
        return self._made(source, path, query, severity)

    def _made(self, source, path, query: str, severity: str) -> Check:
        named = source if isinstance(source, rdflib.URIRef) else self.shape
        messages = {m.language or "": str(m) for m in self.g.objects(source, SH.message)} or \
                   {m.language or "": str(m) for m in self.g.objects(self.shape, SH.message)}
        return Check(severity, str(named), None if path is None else str(path), messages, query)

    def _property_checks(self, prop) -> list[Check]:
        _require_handled(self.g, prop)
        path_node = self.g.value(prop, SH.path)
        path = _path(self.g, path_node)
        reported = path_node if isinstance(path_node, rdflib.URIRef) else None
        values = f"?this {path} ?value ."
        severity = str(self.g.value(prop, SH.severity, default=SH.Violation)).rsplit("#", 1)[-1]
        found = []
        least = self.g.value(prop, SH.minCount)
        if least is not None:
            found.append(self._made(prop, reported, f"{PREFIXES}SELECT ?this WHERE {{ {self.targets()} "
                                    f"OPTIONAL {{ {values} }} }} GROUP BY ?this "
                                    f"HAVING (COUNT(DISTINCT ?value) < {int(least)})", severity))
        most = self.g.value(prop, SH.maxCount)
        if most is not None:
            found.append(self._made(prop, reported, f"{PREFIXES}SELECT ?this WHERE {{ {self.targets()} {values} }} "
                                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(most)})", severity))
        for condition in self._value_conditions(prop, "?value"):
            found.append(self._check(prop, reported, f"{values} FILTER(!({condition}))", "?value", severity))
        for has in self.g.objects(prop, SH.hasValue):
            found.append(self._made(prop, reported, f"{PREFIXES}SELECT ?this WHERE {{ {self.targets()} "
                                    f"OPTIONAL {{ ?this {path} ?_has FILTER(sameTerm(?_has, {_nt(has)})) }} "
                                    f"FILTER(!BOUND(?_has)) }}", severity))
        for other, op in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
            for p in self.g.objects(prop, other):
                found.append(self._check(prop, reported, f"{values} ?this {_nt(p)} ?_other "
                                         f"FILTER(!COALESCE(?value {op} ?_other, false))", "?value", severity))
        return found

    def _sparql_check(self, constraint) -> Check:
        select = str(self.g.value(constraint, SH.select))
        if "$PATH" in select or "$currentShape" in select or "$shapesGraph" in select:
            raise UnsupportedShape(f"{self.shape}: only $this is supported in SPARQL constraints")
        prefixes = "".join(
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>\n"
            for declarer in self.g.objects(constraint, SH.prefixes)
            for d in self.g.objects(declarer, SH.declare)
        )
        inner = select.replace("$this", "?this")
        query = f"{PREFIXES}{prefixes}SELECT DISTINCT ?this ?value WHERE {{ {self.targets()} {{ {inner} }} }}"
        if "?value" not in inner:
            query = query.replace("SELECT DISTINCT ?this ?value", "SELECT DISTINCT ?this", 1)
        return self._made(constraint if self.g.value(constraint, SH.message) else self.shape, None, query,
                          self.severity)

    # -- conditions on one value -----------------------------------------------------------

    def _value_conditions(self, shape, var: str) -> list[str]:
        """Each constraint on a single value node as a SPARQL expression true when it conforms."""
        conditions = self._own_conditions(shape, var)
        options = [self._conforms(member, var) for member in _list(self.g, self.g.value(shape, SH["or"]))]
        if options:
            conditions.append(" || ".join(f"({o})" for o in options))
        for target in self.g.objects(shape, SH.node):
            conditions.append(self._conforms(target, var))
        return conditions

    def _own_conditions(self, shape, var: str) -> list[str]:
        g, out = self.g, []
        for datatype in g.objects(shape, SH.datatype):
            out.append(_datatype(datatype, var))
        for kind in g.objects(shape, SH.nodeKind):
            out.append(_node_kind(kind, var))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f", {_nt(flags)}" if flags else ""
            out.append(f"!isBlank({var}) && REGEX(STR({var}), {_nt(pattern)}{args})")
        allowed = _list(g, g.value(shape, SH["in"]))
        if allowed:
            out.append(" || ".join(f"sameTerm({var}, {_nt(v)})" for v in allowed))
        for cls in g.objects(shape, SH["class"]):
            out.append(f"EXISTS {{ {var} rdf:type/rdfs:subClassOf* {_nt(cls)} }}")
        for bound, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"),
                          (SH.maxExclusive, "<")):
            for limit in g.objects(shape, bound):
                out.append(f"COALESCE({var} {op} {_nt(limit)}, false)")
        for bound, op in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            for limit in g.objects(shape, bound):
                out.append(f"!isBlank({var}) && STRLEN(STR({var})) {op} {int(limit)}")
        return out

    def _conforms(self, shape, var: str) -> str:
        """Does the value conform to a whole (nested) shape: its own conditions and property values."""
        _require_handled(self.g, shape)
        conditions = self._value_conditions(shape, var)
        for prop in self.g.objects(shape, SH.property):
            _require_handled(self.g, prop, allowed={SH.path, SH.hasValue, SH.minCount, SH.message, RDF.type})
            path = _path(self.g, self.g.value(prop, SH.path))
            for has in self.g.objects(prop, SH.hasValue):
                conditions.append(f"EXISTS {{ {var} {path} {_nt(has)} }}")
            least = self.g.value(prop, SH.minCount)
            if least is not None and int(least) > 0:
                if int(least) > 1:
                    raise UnsupportedShape(f"{shape}: nested sh:minCount above 1")
                conditions.append(f"EXISTS {{ {var} {path} ?_some }}")
        return " && ".join(f"({c})" for c in conditions) or "true"


def _require_handled(graph: rdflib.Graph, shape, allowed=HANDLED) -> None:
    unknown = {p for p in graph.predicates(shape, None) if p not in allowed}
    if unknown:
        raise UnsupportedShape(f"{shape} uses {', '.join(sorted(map(str, unknown)))}, which is not compiled")


def _datatype(datatype, var: str) -> str:
    if datatype == XSD.string:
        return f"isLiteral({var}) && DATATYPE({var}) = xsd:string"
    test = f"isLiteral({var}) && DATATYPE({var}) = {_nt(datatype)}"
    cast = CHECKED_DATATYPES.get(datatype)
    return f"{test} && COALESCE(isLiteral({cast}(STR({var}))), false)" if cast else test


def _node_kind(kind, var: str) -> str:
    tests = {
        SH.IRI: f"isIRI({var})", SH.BlankNode: f"isBlank({var})", SH.Literal: f"isLiteral({var})",
        SH.BlankNodeOrIRI: f"!isLiteral({var})", SH.BlankNodeOrLiteral: f"!isIRI({var})",
        SH.IRIOrLiteral: f"!isBlank({var})",
    }
    return tests[kind]


def _path(graph: rdflib.Graph, node) -> str:
    """A SHACL property path in SPARQL property path syntax."""
    if isinstance(node, rdflib.URIRef):
        return _nt(node)
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            return f"({_path(graph, inner)}){suffix}"
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return f"^({_path(graph, inverse)})"
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, p) for p in _list(graph, alternatives)) + ")"
    if graph.value(node, RDF.first) is not None:
        return "(" + "/".join(_path(graph, p) for p in _list(graph, node)) + ")"
    raise UnsupportedShape(f"unknown property path {node}")


def _list(graph: rdflib.Graph, node) -> list:
    return [] if node is None else list(Collection(graph, node))


def _nt(term) -> str:
    """A shapes-graph term in SPARQL syntax, written by pyoxigraph."""
    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    raise UnsupportedShape(f"a blank node {term} where a term is expected")
