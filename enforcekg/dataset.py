"""The dataset an engine serves: the shipped graph, case data and their OWL 2 RL closure.

Both the embedded engine (:class:`enforcekg.store.LocalEngine`) and ``enforcekg publish`` build
the same set of triples here, as pyoxigraph terms (no detour through rdflib for case data, which
is what makes 10,000 matters load in seconds rather than minutes):

- :func:`closed_triples` — the closure of the shipped graph (computed once per process by
  :func:`enforcekg.reason.ontology_closure`) together with case triples, closed again by
  ``reasonable``. Because the shipped part is already closed, this equals the closure of the
  asserted union: the closure is monotone and idempotent.
- :func:`build` — the same, partitioned by origin into the named graphs ``publish`` loads:
  ``ontology``, ``knowledge``, ``cases`` and ``inferred`` (every triple in exactly one of them).

The reasoner sees every non-IRI term (literal or blank node) as a placeholder IRI, which is far
cheaper to hand across than rdflib literals; terms are mapped back afterwards. The noise
``reasonable`` adds is removed as :func:`enforcekg.reason.closure` removes it: triples with a
literal subject, reflexive ``owl:sameAs``, and ``owl:Thing`` typings that were not asserted.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

_PLACEHOLDER = "urn:x-enforcekg-term:"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OWL_THING = ox.NamedNode("http://www.w3.org/2002/07/owl#Thing")
_OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
GRAPH_NAMES = ("ontology", "knowledge", "cases", "inferred")


class _Placeholders:
    """Maps literals and blank nodes to placeholder IRIs for the reasoner, and back."""

    def __init__(self):
        self.index: dict = {}
        self.terms: list = []
        self.named: dict = {}

    def key(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            if term.value.startswith(_PLACEHOLDER):
                raise ValueError(f"the IRI {term.value} is reserved for the reasoner's placeholders")
            return term.value
        key = self.index.get(term)
        if key is None:
            key = self.index[term] = f"{_PLACEHOLDER}{len(self.terms)}"
            self.terms.append(term)
        return key

    def term(self, value: str):
        if value.startswith(_PLACEHOLDER):
            return self.terms[int(value[len(_PLACEHOLDER):])]
        named = self.named.get(value)
        if named is None:
            named = self.named[value] = ox.NamedNode(value)
        return named


_IRI_LOCK = threading.Lock()


@contextmanager
def _plain_iris():
    """Let ``reasonable`` return IRIs as plain strings rather than ``rdflib.URIRef``.

    ``reasonable`` builds its output by calling ``rdflib.URIRef`` (looked up on the ``rdflib``
    package at each call); validating half a million IRIs there costs seconds. The package
    attribute is swapped for the duration of the call only when this is the only thread (the
    command line, the benchmark): code that imported ``URIRef`` (``from rdflib import URIRef``, as
    rdflib and this project do) is unaffected, but a library in another thread that looks up
    ``rdflib.URIRef`` at run time (pySHACL does) would see ``str``. With other threads running
    (the app), nothing is swapped and the output is converted the slow way.
    """
    import rdflib

    if threading.active_count() > 1:
        yield
        return
    with _IRI_LOCK:
        original = rdflib.URIRef
        rdflib.URIRef = str
        try:
            yield
        finally:
            rdflib.URIRef = original


def reason_triples(asserted, engine: str = "reasonable") -> list:
    """The OWL 2 RL closure of pyoxigraph *asserted* triples (a list), noise removed, as a list."""
    if engine != "reasonable":
        from rdflib import Graph

        from . import reason
        from .store import from_oxigraph, to_oxigraph
        graph = Graph()
        for t in asserted:
            graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in reason.closure(graph, engine)]
    import reasonable

    names = _Placeholders()
    key = names.key
    keys = {}
    for t in asserted:
        keys.setdefault((key(t.subject), t.predicate.value, key(t.object)), t)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(keys))
    with _plain_iris():
        closed = reasoner.reason()
    literal_keys = {k for k, term in names.index.items() if isinstance(k, ox.Literal)}
    literal_keys = {names.index[k] for k in literal_keys}
    same_as, rdf_type, thing = _OWL_SAME_AS.value, _RDF_TYPE.value, _OWL_THING.value
    out = list(keys.values())
    seen = set(keys)
    term = names.term
    for s, p, o in closed:
        triple_key = (str(s), str(p), str(o))
        if triple_key in seen:
            continue
        seen.add(triple_key)
        s, p, o = triple_key
        if s in literal_keys or p.startswith(_PLACEHOLDER):
            continue  # a literal subject, or a blank node / literal as predicate
        if (p == same_as and s == o) or (p == rdf_type and o == thing):
            continue  # reflexive sameAs; owl:Thing typings not asserted (asserted ones were kept)
        out.append(ox.Triple(term(s), term(p), term(o)))
    return out


@lru_cache(maxsize=1)
def base_closure() -> tuple:
    """The closure of the shipped graph (:func:`enforcekg.reason.ontology_closure`) as pyoxigraph triples."""
    from .reason import ontology_closure
    from .store import to_oxigraph

    return tuple(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in ontology_closure())


def closed_triples(case_triples, reasoning: bool = True) -> list:
    """The shipped graph's closure plus *case_triples*, closed under OWL 2 RL (or just the union)."""
    base = list(base_closure())
    if not case_triples:
        return base
    if not reasoning:
        from .load import load_knowledge_graph
        from .store import to_oxigraph
        asserted = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in load_knowledge_graph(copy=False)]
        return list(dict.fromkeys(asserted + list(case_triples)))
    return reason_triples(base + list(case_triples))


def read_case_triples(paths) -> list:
    """The triples of case files (Turtle, JSON-LD, CSV through :mod:`enforcekg.intake`) as pyoxigraph triples."""
    from .engine import QueryError

    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise QueryError(f"{path}: no such case file")
    from . import intake

    return list(intake.read_files(paths).triples)


# --------------------------------------------------------------------------- the partitioned dataset


@dataclass
class Dataset:
    """The triples to publish, by named graph (disjoint: every triple in exactly one graph)."""

    graphs: dict = field(default_factory=dict)  # name -> list of ox.Triple

    def __len__(self) -> int:
        return sum(len(t) for t in self.graphs.values())

    def all(self):
        for triples in self.graphs.values():
            yield from triples


def _parse_files(paths) -> list:
    return list(_parse_cached(tuple((str(p), Path(p).stat().st_mtime_ns) for p in paths)))


@lru_cache(maxsize=4)
def _parse_cached(stamped: tuple) -> tuple:
    """The triples of the files (re-read when one changes)."""
    from .load import load_files
    from .store import to_oxigraph

    graph = load_files([path for path, _ in stamped])
    return tuple(dict.fromkeys(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph))


def build(data_files=(), reasoning: bool = True, engine: str = "reasonable") -> Dataset:
    """The ontology, the knowledge base, case data and the OWL 2 RL inferences over all of them.

    An inferred triple that mentions a blank node goes into the graph the blank node comes from,
    so that a blank node never spans two graphs (the Graph Store protocol gives every request its
    own blank nodes).
    """
    from .load import knowledge_files, ontology_files

    ontology = _parse_files(ontology_files())
    seen = set(ontology)
    knowledge = [t for t in _parse_files(knowledge_files()) if t not in seen]
    seen.update(knowledge)
    cases = [t for t in dict.fromkeys(read_case_triples(data_files)) if t not in seen] if data_files else []
    seen.update(cases)
    graphs = {"ontology": ontology, "knowledge": knowledge, "cases": cases, "inferred": []}
    if reasoning:
        home = {}
        for name in ("ontology", "knowledge", "cases"):
            for t in graphs[name]:
                for term in (t.subject, t.object):
                    if isinstance(term, ox.BlankNode):
                        home.setdefault(term, name)
        for t in reason_triples(ontology + knowledge + cases, engine):
            if t in seen:
                continue
            seen.add(t)
            owner = next((home[x] for x in (t.subject, t.object) if isinstance(x, ox.BlankNode) and x in home), "inferred")
            graphs[owner].append(t)
    return Dataset(graphs)
