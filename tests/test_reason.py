"""OWL 2 RL reasoning over the shipped graph is consistent, and the two engines agree."""

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF, RDFS

from enforcekg.reason import closure, inconsistencies

EX = Namespace("http://example.org/")


@pytest.fixture(scope="module")
def closures(shipped_graph):
    """The shipped graph's closure by each engine, computed once for this module."""
    return {engine: closure(shipped_graph, engine) for engine in ("owlrl", "reasonable")}


@pytest.mark.parametrize("engine", ["owlrl", "reasonable"])
def test_shipped_graph_is_consistent(shipped_graph, closures, engine):
    closed = closures[engine]
    assert inconsistencies(closed) == []
    assert len(closed) > len(shipped_graph)


def _assertions(graph):
    """Statements about individuals (not about the vocabulary), where the engines must agree."""
    vocab = (str(OWL), str(RDFS), str(RDF))
    return {
        (s, p, o) for s, p, o in graph
        if not str(p).startswith(vocab) or (p == RDF.type and not str(o).startswith(vocab))
    }


def test_fast_and_reference_engines_agree_on_individuals(closures):
    assert _assertions(closures["owlrl"]) == _assertions(closures["reasonable"])


def test_inconsistency_is_detected():
    """An individual in two classes declared disjoint is reported (owlrl records the clash)."""
    g = Graph()
    g.add((EX.A, OWL.disjointWith, EX.B))
    g.add((EX.x, RDF.type, EX.A))
    g.add((EX.x, RDF.type, EX.B))
    assert inconsistencies(closure(g, "owlrl"))


def test_closure_leaves_its_input_alone():
    g = Graph()
    g.add((EX.A, RDFS.subClassOf, EX.B))
    g.add((EX.x, RDF.type, EX.A))
    for engine in ("owlrl", "reasonable"):
        closed = closure(g, engine)
        assert (EX.x, RDF.type, EX.B) in closed
        assert len(g) == 2


def test_unknown_engine_is_refused(shipped_graph):
    with pytest.raises(ValueError, match="unknown reasoning engine"):
        closure(shipped_graph, "hermit")


def test_cited_cases_are_not_inferred_to_be_instruments(closures):
    """Regression: ekg:caseNumber had domain ekg:LegalInstrument, so every cited case became an instrument."""
    from enforcekg.namespaces import EKG, EKGID
    for engine, closed in closures.items():
        assert (EKGID["guiding-case-235"], RDF.type, EKG.LegalInstrument) not in closed, engine
