"""Read case files (matters) in Turtle, JSON-LD or CSV into one graph.

Every reader refuses input it cannot read with :class:`IntakeError` (a
:class:`~enforcekg.load.GraphLoadError`) that says ``file:line:column: what was expected``:
bad syntax, wrong encoding, an empty file, an unknown CSV column or a bad cell, an unknown
JSON-LD key, or a property or class of the ``ekg:`` vocabulary that the ontology does not declare
(usually a typo). Nothing is returned unless every file is clean.

Turtle and JSON-LD are parsed with pyoxigraph (fast, and exact about line and column); the
JSON-LD context ``https://w3id.org/enforcekg/context.jsonld`` is served from
``data/context.jsonld`` — no network access. CSV rows become matters as documented in
``data/templates/matters-columns.md`` (see :mod:`enforcekg.casecsv`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .load import GraphLoadError
from .namespaces import EKG, bind_prefixes
from .paths import DATA_DIR

CONTEXT_URL = "https://w3id.org/enforcekg/context.jsonld"
CONTEXT_FILE = DATA_DIR / "context.jsonld"
CASE_BASE = "https://w3id.org/enforcekg/case/"
FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".csv": "csv"}
_RDF_TYPE = str(RDF.type)
_EKG = str(EKG)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class IntakeError(GraphLoadError):
    """A case file could not be read; ``str()`` is ``file:line:column: message``."""


@dataclass
class CaseData:
    """The triples read from case files, as pyoxigraph triples, with an rdflib view on demand."""

    triples: list = field(default_factory=list)
    files: list = field(default_factory=list)
    origins: dict = field(default_factory=dict)   # matter node -> file it was read from
    _graph: Graph | None = None
    _derived: dict = field(default_factory=dict, repr=False)  # subjects / matters / owners, until the next add_file

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = to_rdflib(self.triples)
        return self._graph

    def __len__(self) -> int:
        return len(self.triples)

    def add_file(self, path, triples) -> None:
        """Add the triples read from *path*."""
        self.triples.extend(triples)
        self.files.append(Path(path))
        self._graph = None
        self._derived.clear()
        for t in triples:
            if t.predicate.value == _RDF_TYPE and t.object == _MATTER:
                self.origins.setdefault(_term(t.subject), Path(path))

    def _once(self, key: str, compute):
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def subjects(self) -> set:
        """Every subject of the case data, as rdflib terms."""
        return self._once("subjects", lambda: {_term(t.subject) for t in self.triples})

    def matters(self) -> dict:
        """matter node -> (matter id, file) for every ``ekg:Matter`` in the data, in file order."""
        return self._once("matters", self._find_matters)

    def _find_matters(self) -> dict:
        found = {}
        files = self.origins or {}
        for t in self.triples:
            if t.predicate.value == _RDF_TYPE and t.object == _MATTER:
                found.setdefault(_term(t.subject), None)
        for t in self.triples:
            if t.predicate.value == _MATTER_ID and _term(t.subject) in found:
                found[_term(t.subject)] = t.object.value
        return {node: (matter_id or _local(node), files.get(node)) for node, matter_id in found.items()}

    def matter_of(self) -> dict:
        """node -> the matter it belongs to (following links back from the node to a matter)."""
        return self._once("matter_of", self._find_owners)

    def _find_owners(self) -> dict:
        matters = self.matters()
        parents: dict = {}
        for t in self.triples:
            if t.predicate.value != _RDF_TYPE and not isinstance(t.object, ox.Literal):
                parents.setdefault(_term(t.object), []).append(_term(t.subject))
        owner = {}
        for node in self.subjects():
            todo, seen = [node], set()
            while todo:
                current = todo.pop(0)
                if current in matters:
                    owner[node] = current
                    break
                if current not in seen:
                    seen.add(current)
                    todo.extend(parents.get(current, []))
        return owner


_MATTER = ox.NamedNode(str(EKG.Matter))
_MATTER_ID = str(EKG.matterId)


def _local(node) -> str:
    return re.split(r"[/#]", str(node))[-1]


@lru_cache(maxsize=1 << 20)
def _term(t):
    """The rdflib term for a pyoxigraph term (cached: a batch names the same nodes many times)."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value) if t.datatype.value == _XSD_STRING else Literal(t.value, datatype=URIRef(t.datatype.value))


# --- term conversion between pyoxigraph and rdflib ---------------------------------------------

def to_rdflib(triples, graph: Graph | None = None) -> Graph:
    """An rdflib graph holding the pyoxigraph *triples* (IRIs interned for speed)."""
    graph = bind_prefixes(graph if graph is not None else Graph())
    graph.bind("case", CASE_BASE)
    iris: dict[str, URIRef] = {}
    literals: dict[tuple, Literal] = {}

    def term(t):
        if isinstance(t, ox.NamedNode):
            value = t.value
            node = iris.get(value)
            if node is None:
                node = iris[value] = URIRef(value)
            return node
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        key = (t.value, t.language, t.datatype.value)
        node = literals.get(key)
        if node is None:
            if t.language:
                node = Literal(t.value, lang=t.language)
            elif key[2] == _XSD_STRING:  # rdflib's plain literal is RDF 1.1's xsd:string
                node = Literal(t.value)
            else:
                node = Literal(t.value, datatype=URIRef(key[2]))
            literals[key] = node
        return node

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def to_oxigraph(graph) -> list:
    """The triples of an rdflib *graph* (or any iterable of rdflib triples) as pyoxigraph triples."""
    def term(t):
        if isinstance(t, URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)) if t.datatype else None)
    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in graph]


# --- reading ------------------------------------------------------------------------------------

def file_format(path: Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise IntakeError(path, f"unknown file type {Path(path).suffix or '(none)'!r}; expected .ttl (Turtle), .jsonld (JSON-LD) or .csv")
    return fmt


def read_text(path: Path) -> str:
    """The file's text, refusing missing, non-UTF-8 and empty files."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise IntakeError(path, f"cannot read the file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise IntakeError(path, f"byte 0x{raw[exc.start]:02x} is not UTF-8; expected UTF-8 text (save the file as UTF-8)", line, column) from exc
    if not text.strip():
        raise IntakeError(path, "the file is empty; expected at least one matter", 1, 1)
    return text


_OX_POSITION = re.compile(r"line (\d+) (?:column|between columns) (\d+)")


def _parse_rdf(path: Path, text: str, fmt) -> list:
    try:
        quads = ox.parse(text.encode("utf-8"), format=fmt, base_iri=CASE_BASE)
        return [q.triple for q in quads]
    except SyntaxError as exc:
        message = str(exc)
        match = _OX_POSITION.search(message)
        line, column = (int(match.group(1)), int(match.group(2))) if match else (getattr(exc, "lineno", None), getattr(exc, "offset", None))
        detail = re.sub(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+):\s*", "", message)
        detail = re.sub(r"\s*\(line \d+\)$", "", detail)
        name = "Turtle" if fmt == ox.RdfFormat.TURTLE else "JSON-LD"
        raise IntakeError(path, f"invalid {name}: {detail}", line, column) from exc


def read_turtle(path: Path, text: str) -> list:
    return _parse_rdf(path, text, ox.RdfFormat.TURTLE)


@lru_cache(maxsize=1)
def published_context() -> dict:
    """The ``@context`` object of ``data/context.jsonld``."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_jsonld(path: Path, text: str) -> list:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IntakeError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    context = published_context()
    terms = set(context)
    local: dict = {}

    def check(node):
        if isinstance(node, list):
            for item in node:
                check(item)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("@context"), dict):
            local.update(node["@context"])
        for key, value in node.items():
            if key.startswith("@"):
                if key != "@context":
                    check(value)
                continue
            prefix = key.split(":", 1)[0] if ":" in key else None
            if key in terms or key in local or (prefix and (prefix in terms or prefix in local or key.startswith("http"))):
                check(value)
                continue
            match = re.search(r'"%s"\s*:' % re.escape(key), text)
            line, column = _position(text, match.start()) if match else (None, None)
            hint = difflib.get_close_matches(key, sorted(t for t in terms if not t.startswith("@")), n=1)
            raise IntakeError(path, f"unknown key {key!r}; expected a term of {CONTEXT_URL}" + (f" (did you mean {hint[0]!r}?)" if hint else ""), line, column)

    check(document)
    inline = json.dumps(context, ensure_ascii=False, separators=(",", ":"))
    text = text.replace(json.dumps(CONTEXT_URL), inline)
    return _parse_rdf(path, text, ox.RdfFormat.JSON_LD)


def read_file(path: Path) -> list:
    """The triples of one case file; raises :class:`IntakeError` when it cannot be read."""
    path = Path(path)
    fmt = file_format(path)
    text = read_text(path)
    if fmt == "csv":
        from .casecsv import read_csv
        triples = read_csv(path, text)
    elif fmt == "json-ld":
        triples = read_jsonld(path, text)
    else:
        triples = read_turtle(path, text)
    if not triples:
        raise IntakeError(path, "no statements found; expected at least one matter", 1, 1)
    check_vocabulary(path, text, triples)
    return triples


def read_files(paths) -> CaseData:
    """Every file's triples in one :class:`CaseData`; the first unreadable file raises."""
    data = CaseData()
    for path in paths:
        data.add_file(path, read_file(path))
    return data


# --- vocabulary check ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def declared_terms() -> tuple[frozenset, frozenset]:
    """(properties, classes) of the ``ekg:`` namespace declared by the shipped ontology."""
    from .load import load_knowledge_graph
    graph = load_knowledge_graph(copy=False)
    props, classes = set(), set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
        props.update(str(s) for s in graph.subjects(RDF.type, kind))
    classes.update(str(s) for s in graph.subjects(RDF.type, OWL.Class))
    classes.update(str(s) for s in graph.subjects(RDF.type, RDFS.Class))
    return frozenset(p for p in props if p.startswith(_EKG)), frozenset(c for c in classes if c.startswith(_EKG))


def check_vocabulary(path: Path, text: str, triples) -> None:
    """Refuse ``ekg:`` properties and classes the ontology does not declare (typos)."""
    props, classes = declared_terms()
    for t in triples:
        predicate = t.predicate.value
        if predicate.startswith(_EKG) and predicate not in props:
            _unknown_term(path, text, predicate, props, "property")
        if predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            value = t.object.value
            if value.startswith(_EKG) and value not in classes:
                _unknown_term(path, text, value, classes, "class")


def _unknown_term(path: Path, text: str, iri: str, known, kind: str):
    name = iri[len(_EKG):]
    match = re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name), text)
    line, column = _position(text, match.start()) if match else (None, None)
    hint = difflib.get_close_matches(name, sorted(k[len(_EKG):] for k in known), n=1)
    raise IntakeError(path, f"ekg:{name} is not a {kind} of the enforcekg ontology; expected a declared {kind}"
                      + (f" (did you mean ekg:{hint[0]}?)" if hint else ""), line, column)
