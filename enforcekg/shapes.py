"""The case shapes (``ontology/shapes/*.ttl``) and the two ways of running them.

* **reference** — pySHACL over everything: the case data plus the shipped graph as data graph,
  every shape (SHACL Core and ``sh:sparql``). Slow for large batches, because pySHACL runs each
  SPARQL constraint once per focus node.
* **fast** — every constraint *set-based* on pyoxigraph: the Core shapes compiled to SPARQL by
  :mod:`enforcekg.shacl_core`, and each ``sh:select`` evaluated once for the whole batch with
  ``$this`` left unbound and projected, joined with the shape's targets.

Both produce the same ``sh:ValidationResult`` nodes (see ``tests/test_validate.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .intake import _term
from .namespaces import bind_prefixes
from .paths import SHAPES_DIR

EKGSH = "https://w3id.org/enforcekg/shapes#"
_THIS = re.compile(r"\$this\b")
_SELECT = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s+WHERE\s*\{", re.IGNORECASE | re.DOTALL)
_TEMPLATE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
# the instances of a class: its rdf:type members and those of its subclasses
TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every shapes file, in one graph."""
    graph = bind_prefixes(Graph())
    graph.bind("ekgsh", EKGSH)
    from .load import parse_file
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        parse_file(graph, path)
    return graph


@lru_cache(maxsize=1)
def core_shapes_graph() -> Graph:
    """The shapes without their ``sh:sparql`` constraints (for the fast path)."""
    full = shapes_graph()
    drop = set()
    for shape, constraint in full.subject_objects(SH.sparql):
        drop.add((shape, SH.sparql, constraint))
        drop.update(_closure(full, constraint))
    core = bind_prefixes(Graph())
    for triple in full:
        if triple not in drop:
            core.add(triple)
    return core


def _closure(graph: Graph, node) -> set:
    """The triples describing *node* and the blank nodes it points to (its concise bounded description)."""
    return set(graph.cbd(node))


@dataclass
class SparqlConstraint:
    shape: URIRef
    constraint: object    # the sh:sparql node; None for a compiled Core constraint
    query: str            # compiled, set-based, for pyoxigraph
    messages: list        # the sh:message literals (templates)
    severity: URIRef
    variables: list[str]  # projected variables
    component: URIRef = SH.SPARQLConstraintComponent
    path: object = None        # Core: the shape's sh:path, written as sh:resultPath
    path_triples: tuple = ()   # Core: the triples describing a blank-node path


def _prefixes(graph: Graph, constraint) -> str:
    lines = []
    for decl_holder in graph.objects(constraint, SH.prefixes):
        for decl in graph.objects(decl_holder, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def target_patterns(graph: Graph, shape, type_path: str = TYPE_PATH) -> list[str]:
    """One pattern binding ``?this`` per target of *shape* (explicit, and implicit class targets).

    *type_path* finds a class's instances (plain ``rdf:type`` suffices where the store holds the
    superclass types of every node).
    """
    classes = list(graph.objects(shape, SH.targetClass))
    metaclasses = {RDFS.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
    if any(t in metaclasses for t in graph.objects(shape, RDF.type)):
        classes.append(shape)
    patterns = [f"?this {type_path} {cls.n3()} ." for cls in classes]
    patterns += [f"VALUES ?this {{ {node.n3()} }}" for node in graph.objects(shape, SH.targetNode)]
    patterns += [f"?this {prop.n3()} [] ." for prop in graph.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"[] {prop.n3()} ?this ." for prop in graph.objects(shape, SH.targetObjectsOf)]
    return patterns


def union(patterns: list[str]) -> str:
    """The SPARQL union of *patterns* (empty when there are none)."""
    return " UNION ".join("{ " + p + " }" for p in patterns)


def compile_select(select: str, targets: list[str], prefixes: str) -> tuple[str, list[str]]:
    """A set-based version of an ``sh:select``: ``$this`` unbound and projected.

    The focus nodes (the distinct solutions of the *targets*) are bound first, inside the query's
    own WHERE clause, so that the engine starts from them rather than from every node the
    query's first patterns match; ``DISTINCT`` keeps a node reached twice from counting twice.
    """
    body = _THIS.sub("?this", select)
    match = _SELECT.match(body)
    if not match:
        raise ValueError(f"cannot compile sh:select (expected 'SELECT ?vars WHERE {{ … }}'): {select[:80]!r}")
    variables = _projected(match.group(2))
    if "this" not in variables:
        raise ValueError(f"sh:select must project $this (SELECT * is not allowed): {select[:80]!r}")
    focus = f"{{ SELECT DISTINCT ?this WHERE {{ {union(targets)} }} }}" if targets else ""
    query = f"{prefixes}\n{body[:match.end()]}\n  {focus}\n{body[match.end():]}"
    return query, variables


def _projected(projection: str) -> list[str]:
    """The variables a SELECT clause projects: plain ``?x`` and ``(expr AS ?x)``."""
    names, depth, token = [], 0, ""
    for char in projection + " ":
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            alias = re.search(r"\bAS\s+[?$](\w+)\s*$", token, re.IGNORECASE)
            if depth == 0 and alias:
                names.append(alias.group(1))
                token = ""
                continue
        if depth == 0 and char.isspace():
            if token.startswith(("?", "$")):
                names.append(token[1:])
            token = ""
        else:
            token += char
    return names


@lru_cache(maxsize=1)
def sparql_constraints() -> tuple[SparqlConstraint, ...]:
    graph = shapes_graph()
    compiled = []
    for shape, constraint in sorted(graph.subject_objects(SH.sparql), key=lambda so: str(so[0])):
        if graph.value(constraint, SH.deactivated) == Literal(True) or graph.value(shape, SH.deactivated) == Literal(True):
            continue
        select = str(graph.value(constraint, SH.select))
        targets = target_patterns(graph, shape, type_path=f"<{RDF.type}>")  # the store holds superclass types
        query, variables = compile_select(select, targets, _prefixes(graph, constraint))
        messages = list(graph.objects(constraint, SH.message)) or list(graph.objects(shape, SH.message))
        severity = graph.value(shape, SH.severity) or SH.Violation
        compiled.append(SparqlConstraint(shape, constraint, query, messages, severity, variables))
    return tuple(compiled)


# --- running the SPARQL constraints on pyoxigraph ------------------------------------------------

def fill_template(template: str, bindings: dict) -> str:
    """Substitute ``{?var}`` / ``{$var}`` as pySHACL does (the lexical form of the value)."""
    def repl(match):
        value = bindings.get(match.group(1))
        return str(value) if value is not None else match.group(0)
    return _TEMPLATE_VAR.sub(repl, template)


def run_sparql_constraints(store: ox.Store, report: Graph, constraints=None, focus_nodes=None) -> int:
    """Run *constraints* (default: the ``sh:sparql`` ones) set-based on *store*; add results to *report*.

    Only results about *focus_nodes* (rdflib terms; default: every node) are kept. Returns the
    number of results. A SPARQL-based result without ``?value`` takes the focus node as its
    value; a Core result has a value only where its query projects one, as in pySHACL.
    """
    count = 0
    for c in sparql_constraints() if constraints is None else constraints:
        seen = set()
        for solution in store.query(c.query):
            focus = solution["this"]
            if focus is None or (focus_nodes is not None and _term(focus) not in focus_nodes):
                continue
            bindings = {var: _term(solution[var]) for var in c.variables if solution[var] is not None}
            key = tuple(sorted(bindings.items()))
            if key in seen:
                continue
            seen.add(key)
            _add_result(report, c, bindings["this"], bindings)
            count += 1
    return count


def _add_result(report: Graph, c: SparqlConstraint, focus, bindings: dict) -> None:
    sparql_based = c.constraint is not None
    result = BNode()
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, focus))
    value = bindings.get("value", focus if sparql_based else None)
    if value is not None:
        report.add((result, SH.value, value))
    path = bindings.get("path", c.path)
    if path is not None:
        report.add((result, SH.resultPath, path))
        report.addN((s, p, o, report) for s, p, o in c.path_triples)
    report.add((result, SH.resultSeverity, c.severity))
    report.add((result, SH.sourceShape, c.shape))
    if sparql_based:
        report.add((result, SH.sourceConstraint, c.constraint))
    report.add((result, SH.sourceConstraintComponent, c.component))
    for message in c.messages:
        text = fill_template(str(message), bindings) if sparql_based else str(message)
        report.add((result, SH.resultMessage, Literal(text, lang=message.language)))


def restore_literals(report: Graph, triples) -> None:
    """Give each literal ``sh:value`` the lexical form it has in the case *triples*.

    The store keeps only the canonical form of a well-typed literal (``"8500000.00"^^xsd:decimal``
    comes back as ``"8500000"``); a result whose path is a predicate gets back the value its focus
    node has for that predicate in the case data, as pySHACL (which reads that data) reports it.
    """
    wanted: dict = {}
    for result, value in report.subject_objects(SH.value):
        path = report.value(result, SH.resultPath)
        if isinstance(value, Literal) and isinstance(path, URIRef):
            wanted.setdefault((str(report.value(result, SH.focusNode)), str(path)), []).append((result, value))
    predicates = {p for _, p in wanted}
    for t in triples if wanted else ():
        if isinstance(t.object, ox.Literal) and t.predicate.value in predicates:
            for result, value in wanted.get((t.subject.value, t.predicate.value), ()):
                original = _term(t.object)  # an ill-typed literal (value None) is kept as written
                if original.datatype == value.datatype and original.value is not None and original.value == value.value:
                    report.set((result, SH.value, original))


@lru_cache(maxsize=1)
def all_constraints() -> tuple[SparqlConstraint, ...]:
    """The compiled Core constraints, then the ``sh:sparql`` ones: the whole fast engine."""
    from .shacl_core import compile_core  # shacl_core builds on this module
    return compile_core(core_shapes_graph()) + sparql_constraints()


def message_language(text: str, shape, constraint) -> str | None:
    """The language of a filled-in message (pySHACL drops the tag when it substitutes variables)."""
    graph = shapes_graph()
    templates = list(graph.objects(constraint, SH.message)) if constraint is not None else []
    templates += list(graph.objects(shape, SH.message))
    for template in templates:
        parts = _TEMPLATE_VAR.split(str(template))
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts))
        if re.fullmatch(pattern, text, re.DOTALL):
            return template.language
    return None
