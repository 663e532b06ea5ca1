"""The SHACL rules of the shapes (``sh:rule`` / ``sh:SPARQLRule``, SHACL Advanced Features).

A rule states facts the checks then ask about (``ekgsh:conditions-held`` derives
``ekg:satisfiesCondition`` from the case facts once, instead of every check repeating the
derivation). pySHACL runs the rules itself on the reference engine (``advanced=True``); on the
fast engine :func:`apply_rules` runs each rule's CONSTRUCT once for the whole batch on pyoxigraph:
``$this`` unbound and joined with the shape's targets, as the SPARQL checks are
(:func:`enforcekg.shapes.compile_select`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH

from .shapes import _prefixes, shapes_graph, target_patterns, union

_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class ShapeRule:
    shape: URIRef
    query: str  # a set-based CONSTRUCT for pyoxigraph


def compile_construct(construct: str, targets: list[str], prefixes: str) -> str:
    """A set-based ``sh:construct``: ``$this`` unbound, the targets joined first inside the WHERE clause."""
    body = _THIS.sub("?this", construct)
    match = _WHERE.search(body)
    if not match or not body.rstrip().endswith("}"):
        raise ValueError(f"cannot compile sh:construct (expected 'CONSTRUCT {{ … }} WHERE {{ … }}'): {construct[:80]!r}")
    return f"{prefixes}\n{body[:match.end()]}\n  {{ SELECT DISTINCT ?this WHERE {{ {union(targets)} }} }}\n{body[match.end():]}"


@lru_cache(maxsize=1)
def shape_rules() -> tuple[ShapeRule, ...]:
    """Every active SPARQL rule of the shapes, compiled (rules of a deactivated shape are left out)."""
    graph = shapes_graph()
    compiled = []
    for shape, rule in sorted(graph.subject_objects(SH.rule), key=lambda pair: str(pair[0])):
        if Literal(True) in (graph.value(shape, SH.deactivated), graph.value(rule, SH.deactivated)):
            continue
        if (rule, RDF.type, SH.SPARQLRule) not in graph:
            raise ValueError(f"{shape}: only sh:SPARQLRule rules are supported")
        targets = target_patterns(graph, shape, type_path=f"<{RDF.type}>")  # the store holds superclass types
        if not targets:
            raise ValueError(f"{shape}: a rule needs a target (sh:targetClass, sh:targetNode, …)")
        compiled.append(ShapeRule(shape, compile_construct(str(graph.value(rule, SH.construct)), targets,
                                                           _prefixes(graph, rule))))
    return tuple(compiled)


def apply_rules(store: ox.Store) -> int:
    """Add what every rule constructs to *store* (default graph), once; return the number of new triples."""
    before = len(store)
    for rule in shape_rules():
        store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in store.query(rule.query)])
    return len(store) - before
