"""OWL 2 RL reasoning.

Two engines compute the same closure: ``owlrl`` (pure Python, the reference) and ``reasonable``
(Rust, fast). :func:`closure` returns a new graph and leaves its input untouched; the noise each
engine adds (owlrl's reflexive ``owl:sameAs`` and literal-subject triples, reasonable's
``xsd:string`` copies of plain literals and ``owl:Thing`` typings) is removed so that the two
agree and merge cleanly with asserted data.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF, XSD

from .namespaces import bind_prefixes

ENGINES = ("owlrl", "reasonable")
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl records inconsistencies


def _owlrl_closure(graph: Graph) -> Graph:
    import owlrl

    closed = bind_prefixes(Graph())
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    return closed


def _reasonable_closure(graph: Graph) -> Graph:
    import reasonable

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    closed = bind_prefixes(Graph())
    for triple in graph:
        closed.add(triple)
    for s, p, o in reasoner.reason():
        if isinstance(o, Literal) and o.datatype == XSD.string and o.language is None:
            o = Literal(str(o))  # reasonable types plain literals as xsd:string
        closed.add((s, p, o))
    return closed


def _strip_noise(closed: Graph, asserted: Graph) -> Graph:
    for s, p, o in list(closed.triples((None, OWL.sameAs, None))):
        if s == o:
            closed.remove((s, p, o))
    for triple in list(closed):
        if isinstance(triple[0], Literal):
            closed.remove(triple)
    for s in list(closed.subjects(RDF.type, OWL.Thing)):
        if (s, RDF.type, OWL.Thing) not in asserted:
            closed.remove((s, RDF.type, OWL.Thing))
    return closed


def closure(graph: Graph, engine: str = "reasonable") -> Graph:
    """The OWL 2 RL closure of *graph* as a new graph, computed by *engine*."""
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoning engine {engine!r}; expected one of {', '.join(ENGINES)}")
    closed = _owlrl_closure(graph) if engine == "owlrl" else _reasonable_closure(graph)
    return _strip_noise(closed, graph)


def inconsistencies(closed: Graph) -> list[str]:
    """The inconsistency messages a closure recorded (owlrl), plus any ``owl:Nothing`` members."""
    messages = [
        str(message)
        for node in closed.subjects(RDF.type, OWLRL_ERROR.ErrorMessage)
        for message in closed.objects(node, OWLRL_ERROR.error)
    ]
    messages += [f"{member} is a member of owl:Nothing" for member in closed.subjects(RDF.type, OWL.Nothing)]
    return messages


@lru_cache(maxsize=2)
def ontology_closure(engine: str = "reasonable") -> Graph:
    """The closure of the shipped ontology and knowledge base, computed once per process."""
    from .load import load_knowledge_graph

    return closure(load_knowledge_graph(copy=False), engine)
