"""The SHACL rules of the shapes (``sh:rule``): compiled set-based, and deriving what pySHACL derives."""

from __future__ import annotations

import csv
import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from enforcekg import validate as engine
from enforcekg.intake import read_files, to_rdflib
from enforcekg.load import load_knowledge_graph
from enforcekg.namespaces import EKG
from enforcekg.paths import EXAMPLES_DIR
from enforcekg.shape_rules import apply_rules, compile_construct, shape_rules
from enforcekg.shapes import shapes_graph

with open(EXAMPLES_DIR / "manifest.csv", encoding="utf-8") as _handle:
    READABLE = [row["file"] for row in csv.DictReader(_handle) if row["expect_exit"] != "2"]


def test_every_rule_compiles_to_one_set_based_construct():
    graph = shapes_graph()
    rules = shape_rules()
    assert len(rules) == len(set(graph.subjects(SH.rule, None))) >= 1
    for rule in rules:
        assert "$this" not in rule.query and "?this" in rule.query
        assert isinstance(ox.Store().query(rule.query), ox.QueryTriples)


def test_checks_and_rules_use_no_construct_shacl_forbids():
    """Regression: MINUS in a check made pySHACL refuse the whole shapes graph ("must not contain a MINUS clause")."""
    graph = shapes_graph()
    for text in [*graph.objects(None, SH.select), *graph.objects(None, SH.construct)]:
        assert not re.search(r"\b(VALUES|MINUS|SERVICE)\b", str(text)), str(text)[:80]


def test_compile_construct_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="sh:construct"):
        compile_construct("ASK { $this ?p ?o }", ["?this a ?c ."], "")


def _pyshacl_derived(data: Graph) -> set:
    """What pySHACL's own rule engine adds to *data*."""
    import pyshacl
    before = set(data)
    pyshacl.shacl_rules(data, shacl_graph=shapes_graph(), inference="none", advanced=True, inplace=True)
    return set(data) - before


@pytest.mark.parametrize("name", READABLE)
def test_fast_rules_derive_what_pyshacl_derives(name):
    case = read_files([EXAMPLES_DIR / name])
    kg = load_knowledge_graph(copy=True)
    to_rdflib(case.triples, graph=kg)
    kg.addN((s, p, o, kg) for s, p, o in engine._kg_entailed_types())
    kg.addN((s, p, o, kg) for s, p, o in engine._case_entailed_types(case, kg))
    expected = {t for t in _pyshacl_derived(kg) if t[1] == EKG.satisfiesCondition}

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in engine._kg_triples())
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in case.triples)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in engine._to_ox(engine._case_entailed_types(case, kg)))
    stated = {(q.subject, q.object) for q in store.quads_for_pattern(None, ox.NamedNode(str(EKG.satisfiesCondition)), None)}
    apply_rules(store)
    derived = {(URIRef(q.subject.value), EKG.satisfiesCondition, URIRef(q.object.value))
               for q in store.quads_for_pattern(None, ox.NamedNode(str(EKG.satisfiesCondition)), None)
               if (q.subject, q.object) not in stated}
    assert derived == expected


def test_a_condition_made_out_by_a_fact_is_derived():
    """A default judgment (ekg:renderedInDefault true) makes out the default-judgment condition for its matter."""
    case = read_files([EXAMPLES_DIR / "m05-default-judgment-no-proof-of-service.ttl"])
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in engine._kg_triples())
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in case.triples)
    assert apply_rules(store) > 0
    held = {q.object.value.rsplit("/", 1)[-1] for q in store.quads_for_pattern(None, ox.NamedNode(str(EKG.satisfiesCondition)), None)}
    assert "cond-default-judgment" in held
