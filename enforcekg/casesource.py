"""Case data held in a SPARQL 1.1 server: list the published matters and fetch them back as :class:`CaseData`.

``enforcekg publish --data FILES`` loads case files into the server's cases graph;
:func:`list_matters` lists the matters there and :func:`fetch_case_data` brings some or all of them
back, so that ``assess``, ``validate`` and the app's Assess and Validate pages run on them exactly
as on the files. :func:`add_case_source_arguments` and :func:`read_case_source` give a command a
choice between case files and ``--endpoint URL`` (or ``ENFORCEKG_ENDPOINT``) with ``--matter``.

A matter's data is its description over case nodes: its own triples and, in turn, those of every
node it links to (not through ``rdf:type``) that is not a term of the ontology or the knowledge
base (the embedded graph has those). It is fetched with CONSTRUCT queries that Virtuoso runs too:

- the IRIs asked about are validated terms in a ``VALUES`` block at the start of the WHERE clause
  (:func:`enforcekg.rewrite.serialise_term`), :data:`PAGE` at a time; user text never enters a query;
- blank nodes come in the same answer as the IRI they hang from (nested OPTIONALs to a fixed
  depth, doubled while deeper blank nodes show up; no unbounded ``*``/``+`` paths). Each answer's
  blank nodes are fresh, so a blank node shared by two IRIs fetched in different answers comes
  back as two copies;
- an answer that reaches the server's row cap (``ENFORCEKG_MAX_ROWS``) is asked again in halves.

``publish`` keeps the OWL 2 RL inferences about a case blank node in the cases graph (a blank node
never spans two graphs); the superclass types among them are dropped again, so that the data is
the files' data and the reports name the same kinds of node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, Literal, URIRef

from .engine import PROJECT_PREFIXES
from .intake import CaseData, IntakeError, read_file
from .load import GraphLoadError, load_knowledge_graph
from .namespaces import EKG, EKGID
from .remote import EndpointError, RemoteEngine, env_endpoint
from .rewrite import serialise_term

PAGE = 200          # IRIs per CONSTRUCT
LIST_PAGE = 5000    # matters per listing query (under Virtuoso's 10,000-row cap)
DEPTH = 2           # blank-node nesting fetched with an IRI at first
MAX_DEPTH = 64
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_MATTER, _MATTER_ID = f"<{EKG.Matter}>", f"<{EKG.matterId}>"
_LIST = f"""SELECT ?m (SAMPLE(?id) AS ?matterId) (SAMPLE(?name) AS ?label) WHERE {{
  ?m a {_MATTER} . FILTER(isIRI(?m) && STR(?m) > ?after)
  OPTIONAL {{ ?m {_MATTER_ID} ?id }}
  OPTIONAL {{ ?m <http://www.w3.org/2000/01/rdf-schema#label> ?name }}
}} GROUP BY ?m ORDER BY STR(?m)"""
_BLANK_MATTERS = f"?v0 a {_MATTER} . FILTER(isBlank(?v0))"


class UnknownMatter(EndpointError):
    """A matter asked for is not on the server."""


class UnreadableFiles(IntakeError):
    """Several case files could not be read; ``str()`` lists each one, one per line."""

    def __init__(self, errors: list):
        first = errors[0]
        super().__init__(first.path, str(first), first.line, first.column)
        self.errors = errors
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Matter:
    """A matter published on the server: its IRI, ``ekg:matterId`` (else the IRI's last part), label."""

    iri: str
    matter_id: str
    label: str | None = None

    def title(self) -> str:
        return f"{self.matter_id} — {self.label}" if self.label else self.matter_id


def _dataset(engine: RemoteEngine) -> list:
    """The graphs case data is read from: the published cases graph, or the server's default graph."""
    return [engine.parts["cases"]] if engine.parts else []


def list_matters(engine: RemoteEngine) -> list[Matter]:
    """Every matter with an IRI in the server's case data, in IRI order (paged by IRI, no OFFSET)."""
    found, after, size = [], "", min(LIST_PAGE, engine.max_rows or LIST_PAGE)
    while True:
        rows = engine.query(f"{_LIST} LIMIT {size}", {"after": Literal(after)}, limit=None, project_prefixes=False,
                            graphs=_dataset(engine)).rows
        found += [Matter(str(m), str(mid) if mid is not None else re.split(r"[/#]", str(m))[-1],
                         str(label) if label is not None else None) for m, mid, label in rows]
        if len(rows) < size:
            return found
        after = str(rows[-1][0])


# --------------------------------------------------------------------------- which matters


def _as_iri(value: str) -> str | None:
    """*value* as an absolute IRI (``<…>``, ``http…``, ``urn:…`` or a project CURIE such as ``case:M-1``), or None."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, _, local = value.partition(":")
    if prefix in PROJECT_PREFIXES and not local.startswith("//"):
        value = PROJECT_PREFIXES[prefix] + local
    elif prefix.lower() not in ("http", "https", "urn"):
        return None
    try:
        return ox.NamedNode(value).value
    except ValueError:
        return None


def _values(terms, name: str = "v0") -> str:
    """A VALUES block binding ?name to validated *terms* (N-Triples forms checked by pyoxigraph)."""
    return f"VALUES ?{name} {{ " + " ".join(serialise_term(name, t) for t in terms) + " }"


def _select(engine: RemoteEngine, pattern: str, terms: list) -> list:
    """(?v0, ?m) rows of *pattern* over *terms* bound to ?v0, :data:`PAGE` at a time."""
    rows = []
    for start in range(0, len(terms), PAGE):
        text = f"SELECT ?v0 ?m WHERE {{ {_values(terms[start:start + PAGE])} {pattern} }}"
        rows += engine.query(text, limit=None, project_prefixes=False, graphs=_dataset(engine)).rows
    return rows


def resolve_matters(engine: RemoteEngine, wanted) -> tuple[list[str], list[str]]:
    """(IRIs, ids of blank-node matters) of the matters *wanted* names: :class:`Matter` objects, IRIs,
    CURIEs (``case:M-12``) or ``ekg:matterId`` values. Raises :class:`UnknownMatter` naming the misses."""
    wanted = list(dict.fromkeys(w.iri if isinstance(w, Matter) else str(w) for w in wanted))
    iris = {w: _as_iri(w) for w in wanted}
    candidates = sorted({URIRef(i) for i in iris.values() if i})
    known = {str(row[0]) for row in _select(engine, f"?v0 a {_MATTER} .", candidates)}
    by_id = {}
    for value, node in _select(engine, f"?m {_MATTER_ID} ?v0 ; a {_MATTER} .", [Literal(w) for w in wanted]):
        by_id.setdefault(str(value), []).append(node)
    found, blank_ids, missing = [], [], []
    for w in wanted:
        if iris[w] in known:
            found.append(iris[w])
        elif w in by_id:
            found += [str(n) for n in by_id[w] if isinstance(n, URIRef)]
            if any(not isinstance(n, URIRef) for n in by_id[w]):
                blank_ids.append(w)
        else:
            missing.append(w)
    if missing:
        raise UnknownMatter(f"no matter on the SPARQL endpoint {engine.query_url} has the IRI or ekg:matterId "
                            f"{', '.join(map(repr, missing))}; list the published matters with "
                            "`enforcekg query run matters-overview` (and publish case files with `enforcekg publish --data`)")
    return list(dict.fromkeys(found)), blank_ids


# --------------------------------------------------------------------------- fetching


def _construct(roots: str, depth: int) -> str:
    """CONSTRUCT the triples of the ?v0 nodes and of the blank nodes hanging from them, *depth* levels deep."""
    template = " . ".join(f"?v{k} ?p{k} ?v{k + 1}" for k in range(depth + 1))
    nested = ""
    for k in range(depth, 0, -1):
        nested = f" OPTIONAL {{ ?v{k} ?p{k} ?v{k + 1} . FILTER(isBlank(?v{k})){nested} }}"
    return f"CONSTRUCT {{ {template} }} WHERE {{ {roots} ?v0 ?p0 ?v1 .{nested} }}"


def _deeper_than(triples, roots, depth: int) -> bool:
    """Whether a blank node more than *depth* links below a root shows up (its triples were not asked for)."""
    below: dict = {}
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            below.setdefault(t.subject, []).append(t.object)
    level, seen = set(roots), set(roots)
    for _ in range(depth):
        level = {b for node in level for b in below.get(node, ()) if b not in seen}
        seen |= level
    return any(b not in seen for node in level for b in below.get(node, ()))


def _describe(engine: RemoteEngine, roots: str, root_iris=None, depth: int = DEPTH) -> list:
    """The triples of the roots (IRIs bound in *roots*, else the blank-node matters) and their blank nodes."""
    triples = engine.construct_triples(_construct(roots, depth), graphs=_dataset(engine))
    if engine.max_rows and len(triples) >= engine.max_rows:  # the server's row cap may have cut the answer
        if not root_iris or len(root_iris) == 1:
            raise EndpointError(f"the case data of {root_iris[0] if root_iris else 'the blank-node matters'} reaches "
                                f"the row cap of {engine.query_url} ({engine.max_rows:,}); raise the server's cap "
                                "and ENFORCEKG_MAX_ROWS")
        half = len(root_iris) // 2
        return (_describe(engine, _values(root_iris[:half]), root_iris[:half], depth)
                + _describe(engine, _values(root_iris[half:]), root_iris[half:], depth))
    nodes = {ox.NamedNode(str(i)) for i in root_iris} if root_iris else \
        {t.subject for t in triples if t.predicate.value == _TYPE and t.object.value == str(EKG.Matter)}
    if _deeper_than(triples, nodes, depth):
        if depth >= MAX_DEPTH:
            raise EndpointError(f"blank nodes nested more than {MAX_DEPTH} deep in the case data on "
                                f"{engine.query_url}; give the nodes IRIs")
        return _describe(engine, roots, root_iris, depth * 2)
    return triples


@lru_cache(maxsize=1)
def _shipped_terms() -> frozenset:
    return frozenset(str(s) for s in load_knowledge_graph(copy=False).subjects() if isinstance(s, URIRef))


@lru_cache(maxsize=None)
def _superclasses(cls: str) -> frozenset:
    """The named superclasses of *cls* in the shipped graph, itself included."""
    return frozenset(str(c) for c in load_knowledge_graph(copy=False).transitive_objects(URIRef(cls), RDFS.subClassOf))


def _without_inferred_types(triples) -> list:
    """The triples less each blank node's types that are strict superclasses of another of its types."""
    types: dict = {}
    for t in triples:
        if t.predicate.value == _TYPE and isinstance(t.subject, ox.BlankNode):
            types.setdefault(t.subject, set()).add(t.object.value)
    implied = {(node, sup) for node, classes in types.items() for cls in classes
               for sup in _superclasses(cls) if cls not in _superclasses(sup)}
    return [t for t in triples if not (t.predicate.value == _TYPE and (t.subject, t.object.value) in implied)]


def _case_links(triples, done: set) -> list:
    """IRIs the triples link to that are case nodes not fetched yet (not classes, not shipped terms)."""
    shipped, links = _shipped_terms(), {}
    for t in triples:
        o = t.object
        if isinstance(o, ox.NamedNode) and t.predicate.value != _TYPE and o.value not in done \
                and o.value not in shipped and not o.value.startswith((str(EKG), str(EKGID))):
            links[o.value] = None
    return list(links)


def fetch_case_data(engine: RemoteEngine, matters=None) -> CaseData:
    """The case triples of *matters* (see :func:`resolve_matters`; None: every matter) as :class:`CaseData`."""
    if matters is None:
        todo, blank_roots = [m.iri for m in list_matters(engine)], _BLANK_MATTERS
    else:
        todo, blank_ids = resolve_matters(engine, matters)
        blank_roots = (f"{_values([Literal(i) for i in blank_ids], 'id')} ?v0 {_MATTER_ID} ?id . {_BLANK_MATTERS}"
                       if blank_ids else None)
    triples = _describe(engine, blank_roots) if blank_roots else []
    done: set = set()
    todo = list(dict.fromkeys(todo + _case_links(triples, done)))
    while todo:
        done.update(todo)
        found = []
        for start in range(0, len(todo), PAGE):
            page = [URIRef(i) for i in todo[start:start + PAGE]]
            found += _describe(engine, _values(page), page)
        triples += found
        todo = _case_links(found, done)
    return CaseData(triples=_without_inferred_types(list(dict.fromkeys(triples))))


# --------------------------------------------------------------------------- command line


def add_case_source_arguments(parser, dest: str = "files") -> None:
    """Case files as the optional positional *dest*, or ``--endpoint URL`` and ``--matter`` (repeatable)."""
    parser.add_argument(dest, nargs="*", type=Path, metavar="FILE",
                        help="case files: .ttl (Turtle), .jsonld (JSON-LD) or .csv; leave out to read the matters "
                             "published on the SPARQL endpoint (--endpoint or $ENFORCEKG_ENDPOINT)")
    parser.add_argument("--endpoint", metavar="URL",
                        help="read the matters from this SPARQL server (published with `enforcekg publish --data`); "
                             "default when no FILE is given: $ENFORCEKG_ENDPOINT")
    parser.add_argument("--matter", action="append", metavar="IRI_OR_ID",
                        help="with an endpoint: only this matter, by IRI (case:M-12) or ekg:matterId; repeatable")
    parser.set_defaults(case_files_dest=dest)


def read_case_source(args) -> CaseData:
    """The case data *args* name: every case file (:class:`IntakeError` listing each unreadable one), or the
    matters on the endpoint (:class:`EndpointError`, :class:`UnknownMatter` when one is not there)."""
    files = list(getattr(args, getattr(args, "case_files_dest", "files")) or [])
    if files and (args.endpoint or args.matter):
        raise EndpointError(f"give case files or {'--endpoint' if args.endpoint else '--matter'}, not both: "
                            "files are read locally, --endpoint/--matter read matters published on a SPARQL server")
    if files:
        data, errors = CaseData(), []
        for path in files:
            try:
                data.add_file(path, read_file(path))
            except (IntakeError, GraphLoadError) as exc:
                errors.append(exc)
        if errors:
            raise errors[0] if len(errors) == 1 else UnreadableFiles(errors)
        return data
    url = args.endpoint or env_endpoint()
    if not url:
        raise EndpointError("no case data: give case files, or --endpoint URL (or set ENFORCEKG_ENDPOINT) to read "
                            "the matters published on a SPARQL server")
    engine = RemoteEngine(url)
    data = fetch_case_data(engine, args.matter)
    if not data.triples:
        raise UnknownMatter(f"the SPARQL endpoint {engine.query_url} holds no matters"
                            f"{' in <' + _dataset(engine)[0] + '>' if engine.parts else ''}; publish case files "
                            "with `enforcekg publish --data FILE --endpoint URL`")
    return data
