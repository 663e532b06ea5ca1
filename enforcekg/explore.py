"""Explore the graph: find terms by label, walk the class tree, read a term, draw its neighbourhood.

Plain functions over a query engine (:class:`enforcekg.store.QueryEngine` — the embedded store or,
through the same interface, a remote SPARQL endpoint); the Streamlit app's Explore page is a thin
layer over them. The SPARQL lives in ``queries/app/*.rq`` (with the usual ``#+`` header) and every
value is pre-bound through :func:`enforcekg.query.run_saved_query`, never pasted into query text.

- :func:`search_terms` — terms whose English or Chinese label or synonym contains a text, ranked
  (exact label, then label start, then word start, then anywhere); a CURIE or IRI finds its term.
- :func:`class_hierarchy` — the ``ekg:`` classes as a tree of direct subclasses, with member counts.
- :func:`term_page` — labels, definition, sources, kind, classes, and the outgoing and incoming
  statements of a term (each flagged as inferred when the asserted graph is given).
- :func:`neighbourhood` and :func:`neighbourhood_svg` — the linked terms of a term as a small
  graph, drawn as an SVG whose nodes carry ``data-term`` (a CURIE) for click-through.
- :func:`counts` — what the graph holds.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import EKG, PREFIXES
from .paths import QUERIES_DIR
from .query import ParameterError, SavedQuery, parameter_specs_from_header, run_saved_query
from .queryfile import read_query_file
from .store import QueryEngine, compact

APP_QUERIES_DIR = QUERIES_DIR / "app"
PROJECT_BASE = "https://w3id.org/enforcekg/"
LANGS = ("en", "zh")

# statements that say nothing a reader wants to see on a term page
NOISE = {
    (RDF.type, OWL.Thing), (RDF.type, RDFS.Resource), (RDFS.subClassOf, OWL.Thing),
    (RDFS.subClassOf, RDFS.Resource), (RDF.type, OWL.NamedIndividual),
}
# properties shown in the header of a term page rather than in its statement lists
HEADER_PROPERTIES = {RDFS.label, SKOS.altLabel, SKOS.definition, DCTERMS.source}
# names for the W3C properties the graph does not label itself
W3C_LABELS = {
    RDF.type: {"en": "type", "zh": "类型"},
    RDFS.subClassOf: {"en": "subclass of", "zh": "子类"},
    RDFS.subPropertyOf: {"en": "subproperty of", "zh": "子属性"},
    RDFS.domain: {"en": "domain", "zh": "定义域"},
    RDFS.range: {"en": "range", "zh": "值域"},
    RDFS.label: {"en": "label", "zh": "标签"},
    RDFS.comment: {"en": "comment", "zh": "注释"},
    OWL.inverseOf: {"en": "inverse of", "zh": "逆属性"},
    OWL.equivalentClass: {"en": "equivalent class", "zh": "等价类"},
    SKOS.altLabel: {"en": "synonym", "zh": "别名"},
    SKOS.definition: {"en": "definition", "zh": "定义"},
    SKOS.inScheme: {"en": "in scheme", "zh": "所属概念体系"},
    SKOS.scopeNote: {"en": "scope note", "zh": "范围注释"},
    SKOS.example: {"en": "example", "zh": "示例"},
    DCTERMS.source: {"en": "source", "zh": "来源"},
    DCTERMS.isPartOf: {"en": "part of", "zh": "所属"},
    DCTERMS.title: {"en": "title", "zh": "标题"},
}
# links not drawn in the neighbourhood graph (shown in the lists instead)
GRAPH_SKIP = {RDF.type, DCTERMS.source, OWL.sameAs, RDFS.isDefinedBy}


# --------------------------------------------------------------------------- queries


@lru_cache(maxsize=None)
def app_query(name: str) -> SavedQuery:
    """The app query ``queries/app/<name>.rq`` with its parameter specs."""
    path = APP_QUERIES_DIR / f"{name}.rq"
    qf = read_query_file(path)
    return SavedQuery(qf, "app", parameter_specs_from_header(qf.header, str(path)))


def _run(engine: QueryEngine, name: str, params: dict | None = None, limit: int | None = None):
    return run_saved_query(app_query(name), params or {}, engine, timeout=None, limit=limit)


# --------------------------------------------------------------------------- terms and labels


def is_project_term(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(PROJECT_BASE)


def resolve(text: str) -> URIRef | None:
    """The IRI a CURIE (``ekg:Remedy``), ``<IRI>`` or full project IRI names, else None."""
    value = (text or "").strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    match = re.match(r"^([A-Za-z][\w.-]*):([^\s/][^\s]*)$", value)
    if match and match.group(1) in PREFIXES and not value.startswith(("http:", "https:")):
        return URIRef(str(PREFIXES[match.group(1)]) + match.group(2))
    if re.match(r"^https?://\S+$", value):
        return URIRef(value)
    return None


def pick(labels: dict, lang: str = "en", fallback: str = "") -> str:
    """The label in *lang*, else in the other language, else *fallback*."""
    for key in (lang, *LANGS):
        if labels.get(key):
            return labels[key]
    return fallback


def fold(text: str) -> str:
    """Lower case with runs of hyphens, underscores and white space folded to one space."""
    return re.sub(r"[-_\s]+", " ", (text or "").lower()).strip()


@dataclass
class Link:
    """A term named by its labels."""

    term: object
    labels: dict = field(default_factory=dict)

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        if isinstance(self.term, Literal):
            return str(self.term)
        return pick(self.labels, lang, self.curie)


@dataclass
class TermHit:
    """One search result."""

    term: URIRef
    labels: dict
    kind: str
    classes: str
    matched: str
    matched_lang: str | None
    rank: tuple = ()

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang, self.curie)


def _rank(needle: str, match: str) -> int:
    hay = fold(match)
    if hay == needle:
        return 0
    if hay.startswith(needle):
        return 1
    if re.search(r"(^|[\s(:：/])" + re.escape(needle), hay):
        return 2
    return 3


def search_terms(engine: QueryEngine, text: str, lang: str | None = None, limit: int = 50) -> list[TermHit]:
    """Terms whose label or synonym contains *text*, best first (at most *limit*).

    *lang* (``en`` or ``zh``) restricts the labels searched. A CURIE or IRI of a term puts that
    term first. Empty text finds nothing.
    """
    needle = fold(text)
    if not needle:
        return []
    params = {"text": needle}
    if lang in LANGS:
        params["lang"] = lang
    hits: dict = {}
    direct = resolve(text)
    if direct is not None:
        page = term_page(engine, direct)
        if page.exists:
            hits[direct] = TermHit(direct, page.labels, page.kind, " · ".join(l.label() for l in page.classes),
                                   page.curie, None, (-1, 0, ""))
    try:
        result = _run(engine, "search-terms", params, limit=5000)
    except ParameterError:
        result = None
    for record in (result.records() if result is not None else []):
        term = record["term"]
        match = record["match"]
        labels = {k: str(record[v]) for k, v in (("en", "labelEn"), ("zh", "labelZh")) if v in record}
        rank = (_rank(needle, str(match)), len(str(match)), str(match).lower())
        if term in hits and hits[term].rank <= rank:
            continue
        hits[term] = TermHit(term, labels, str(record.get("kind", "")), str(record.get("classes", "")),
                             str(match), getattr(match, "language", None), rank)
    ordered = sorted(hits.values(), key=lambda h: (h.rank, h.label("en").lower()))
    return ordered[:limit]


# --------------------------------------------------------------------------- class tree


@dataclass
class ClassNode:
    term: URIRef
    labels: dict
    members: int = 0
    children: list = field(default_factory=list)
    external_parents: list = field(default_factory=list)

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang, self.curie)

    def size(self) -> int:
        """The number of classes in this subtree, itself included."""
        return 1 + sum(child.size() for child in self.children)


def class_hierarchy(engine: QueryEngine, lang: str = "en") -> list[ClassNode]:
    """The ``ekg:`` classes as a forest of direct subclasses, roots first, sorted by label.

    A class's direct parents are its superclasses with no other superclass in between; classes
    that are each other's subclass (equivalent) are not treated as between. A class whose only
    superclasses lie outside ``ekg:`` is a root and remembers them in ``external_parents``.
    """
    result = _run(engine, "class-hierarchy")
    nodes: dict = {}
    parents: dict = {}
    for record in result.records():
        cls = record["class"]
        node = nodes.get(cls)
        if node is None:
            labels = {k: str(record[v]) for k, v in (("en", "labelEn"), ("zh", "labelZh")) if v in record}
            node = nodes[cls] = ClassNode(cls, labels, int(record.get("members", 0)))
            parents[cls] = set()
        if "parent" in record:
            parents[cls].add(record["parent"])
    roots = []
    for cls, ups in parents.items():
        inside = {p for p in ups if p in nodes}
        outside = sorted((p for p in ups if p not in nodes and p not in (OWL.Thing, RDFS.Resource)), key=str)
        direct = {p for p in inside
                  if not any(q != p and p in parents.get(q, ()) and cls not in parents.get(q, ()) for q in inside)}
        if direct:
            for parent in direct:
                nodes[parent].children.append(nodes[cls])
        else:
            nodes[cls].external_parents = outside
            roots.append(nodes[cls])
    for node in nodes.values():
        node.children.sort(key=lambda n: n.label(lang).lower())
    return sorted(roots, key=lambda n: n.label(lang).lower())


def flatten(roots: list[ClassNode]) -> list[tuple[int, ClassNode]]:
    """``(depth, node)`` in tree order (a class with several parents appears under each)."""
    out = []

    def walk(node, depth, seen):
        out.append((depth, node))
        if node.term in seen:
            return
        for child in node.children:
            walk(child, depth + 1, seen | {node.term})

    for root in roots:
        walk(root, 0, frozenset())
    return out


def find_class(roots: list[ClassNode], term) -> ClassNode | None:
    for _, node in flatten(roots):
        if node.term == term:
            return node
    return None


def class_tree_html(roots: list[ClassNode], lang: str = "en", open_depth: int = 1, current=None) -> str:
    """The forest as nested ``<details>`` lists; every class name carries ``data-term`` (its CURIE)."""
    current = compact(current) if current is not None else None

    def item(node, depth, seen):
        name = html.escape(node.label(lang))
        curie = html.escape(node.curie)
        css = ' class="current"' if node.curie == current else ""
        count = f' <span class="count">{node.members}</span>' if node.members else ""
        link = f'<a href="#" data-term="{curie}" title="{curie}"{css}>{name}</a>{count}'
        if not node.children or node.term in seen:
            return f"<li>{link}</li>"
        opened = " open" if depth < open_depth else ""
        inner = "".join(item(c, depth + 1, seen | {node.term}) for c in node.children)
        return f"<li><details{opened}><summary>{link}</summary><ul>{inner}</ul></details></li>"

    return '<ul class="tree">' + "".join(item(r, 0, frozenset()) for r in roots) + "</ul>"


# --------------------------------------------------------------------------- term page


@dataclass
class Statement:
    """One statement about the term: ``direction`` is ``out`` (term → value) or ``in``."""

    direction: str
    property: URIRef
    property_labels: dict
    value: object
    value_labels: dict
    inferred: bool | None = None

    def property_label(self, lang: str = "en") -> str:
        return pick(self.property_labels or W3C_LABELS.get(self.property, {}), lang, compact(self.property))

    def value_label(self, lang: str = "en") -> str:
        if isinstance(self.value, Literal):
            return str(self.value)
        return pick(self.value_labels, lang, compact(self.value))

    @property
    def value_curie(self) -> str:
        return compact(self.value)


@dataclass
class TermPage:
    term: URIRef
    exists: bool = False
    labels: dict = field(default_factory=dict)
    alt_labels: list = field(default_factory=list)
    definitions: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    kind: str = ""
    superclasses: list = field(default_factory=list)
    subclasses: list = field(default_factory=list)
    outgoing: list = field(default_factory=list)
    incoming: list = field(default_factory=list)

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang, self.curie)

    def definition(self, lang: str = "en") -> str:
        return pick(self.definitions, lang, "")

    def grouped(self, direction: str, include_inferred: bool = True) -> list[tuple[URIRef, list[Statement]]]:
        """The statements of one direction grouped by property (header properties left out)."""
        groups: dict = {}
        for st in (self.outgoing if direction == "out" else self.incoming):
            if direction == "out" and st.property in HEADER_PROPERTIES:
                continue
            if st.inferred and not include_inferred:
                continue
            groups.setdefault(st.property, []).append(st)
        return sorted(groups.items(), key=lambda kv: (kv[1][0].property_label().lower(), str(kv[0])))


KIND_BY_TYPE = ((OWL.Class, "class"), (RDFS.Class, "class"), (OWL.ObjectProperty, "object property"),
                (OWL.DatatypeProperty, "datatype property"), (OWL.AnnotationProperty, "annotation property"),
                (RDF.Property, "property"))


def term_page(engine: QueryEngine, term, asserted=None) -> TermPage:
    """Everything about *term* (an IRI, CURIE text or URIRef).

    *asserted* (an rdflib graph of the asserted statements, optional) marks each statement
    ``inferred`` True or False; without it ``inferred`` is None.
    """
    iri = term if isinstance(term, URIRef) else resolve(str(term))
    if iri is None:
        raise ValueError(f"not a term: {term!r}; give a CURIE such as ekg:Remedy or a full IRI")
    page = TermPage(iri)
    result = _run(engine, "term-statements", {"term": str(iri)})
    types = set()
    for record in result.records():
        prop, value = record["property"], record["value"]
        if (prop, value) in NOISE:
            continue
        labels = lambda a, b: {k: str(record[v]) for k, v in (("en", a), ("zh", b)) if v in record}  # noqa: E731
        inferred = None
        direction = str(record["direction"])
        if asserted is not None:
            triple = (iri, prop, value) if direction == "out" else (value, prop, iri)
            inferred = triple not in asserted
        st = Statement(direction, prop, labels("propertyEn", "propertyZh"), value, labels("valueEn", "valueZh"), inferred)
        if direction == "out":
            page.outgoing.append(st)
            if prop == RDFS.label and isinstance(value, Literal):
                page.labels.setdefault(value.language or "", str(value))
            elif prop == SKOS.altLabel and isinstance(value, Literal):
                page.alt_labels.append(value)
            elif prop == SKOS.definition and isinstance(value, Literal):
                page.definitions.setdefault(value.language or "en", str(value))
            elif prop == DCTERMS.source:
                page.sources.append(Link(value, st.value_labels))
            elif prop == RDF.type:
                types.add(value)
                if is_project_term(value):
                    page.classes.append(Link(value, st.value_labels))
            elif prop == RDFS.subClassOf and not isinstance(value, BNode):
                page.superclasses.append((Link(value, st.value_labels), inferred))
        else:
            page.incoming.append(st)
            if prop == RDFS.subClassOf:
                page.subclasses.append((Link(value, st.value_labels), inferred))
    page.exists = bool(page.outgoing or page.incoming)
    page.kind = next((kind for t, kind in KIND_BY_TYPE if t in types), "individual" if page.exists else "")
    # the most specific classes first: drop a class when another one of the term's classes is below it
    if asserted is not None and page.classes:
        direct = [l for l in page.classes if (iri, RDF.type, l.term) in asserted]
        page.classes = direct or page.classes
    page.classes.sort(key=lambda l: l.label().lower())
    page.sources.sort(key=lambda l: l.curie)
    page.superclasses.sort(key=lambda p: (bool(p[1]), p[0].label().lower()))
    page.subclasses.sort(key=lambda p: (bool(p[1]), p[0].label().lower()))
    page.alt_labels.sort(key=lambda l: (l.language or "", str(l)))
    return page


# --------------------------------------------------------------------------- neighbourhood


@dataclass
class Node:
    term: URIRef
    labels: dict
    role: str  # center, out, in, both

    @property
    def curie(self) -> str:
        return compact(self.term)

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang, self.curie)


@dataclass
class Edge:
    source: URIRef
    target: URIRef
    labels: list  # one Statement per property linking the two

    def label(self, lang: str = "en") -> str:
        names = sorted({st.property_label(lang) for st in self.labels})
        return names[0] + (f" (+{len(names) - 1})" if len(names) > 1 else "")


@dataclass
class Neighbourhood:
    center: Node
    nodes: list
    edges: list
    hidden: int = 0  # linked terms left out to keep the picture readable


def neighbourhood(page: TermPage, max_nodes: int = 24, include_inferred: bool = False) -> Neighbourhood:
    """The terms linked to *page*'s term by object properties, at most *max_nodes* of them.

    Outgoing links come first, then incoming ones; ``rdf:type`` and ``dcterms:source`` are left
    to the lists on the page, and so are inferred links unless *include_inferred*.
    """
    center = Node(page.term, page.labels, "center")
    neighbours: dict = {}
    edges: dict = {}
    for st in page.outgoing + page.incoming:
        if not isinstance(st.value, URIRef) or st.property in GRAPH_SKIP or st.value == page.term:
            continue
        if st.inferred and not include_inferred:
            continue
        if st.property == RDFS.subClassOf and st.inferred is None and st.direction == "out" and not is_project_term(st.value):
            continue
        node = neighbours.get(st.value)
        if node is None:
            node = neighbours[st.value] = Node(st.value, st.value_labels, st.direction)
        elif node.role != st.direction:
            node.role = "both"
        key = (page.term, st.value) if st.direction == "out" else (st.value, page.term)
        edges.setdefault(key, Edge(key[0], key[1], [])).labels.append(st)
    order = sorted(neighbours.values(), key=lambda n: ({"out": 0, "both": 1, "in": 2}[n.role], n.label().lower()))
    kept = order[:max_nodes]
    kept_terms = {n.term for n in kept}
    kept_edges = [e for e in edges.values() if (e.source in kept_terms or e.target in kept_terms)]
    return Neighbourhood(center, kept, kept_edges, hidden=len(order) - len(kept))


def _clip(text: str, width: int) -> str:
    units = 0
    out = []
    for ch in text:
        units += 2 if ord(ch) > 0x2E80 else 1
        if units > width:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


ROLE_COLOURS = {"center": "#1f4e79", "out": "#2e7d32", "in": "#8e44ad", "both": "#b26a00"}


def neighbourhood_svg(nb: Neighbourhood, lang: str = "en", width: int = 760, height: int = 520) -> str:
    """*nb* as an SVG: the term in the middle, linked terms on one or two rings around it.

    Nodes are ``<g class="node" data-term="CURIE">`` with a ``<title>`` holding the full label,
    so a script can make them clickable. Every text is escaped.
    """
    cx, cy = width / 2, height / 2
    count = len(nb.nodes)
    rings = [nb.nodes] if count <= 12 else [nb.nodes[: (count + 1) // 2], nb.nodes[(count + 1) // 2:]]
    positions = {nb.center.term: (cx, cy)}
    radius_x, radius_y = width / 2 - 95, height / 2 - 40
    for index, ring in enumerate(rings):
        scale = 1.0 if len(rings) == 1 else (0.55 if index == 0 else 1.0)
        offset = 0 if index == 0 else math.pi / max(len(ring), 1)
        for i, node in enumerate(ring):
            angle = -math.pi / 2 + offset + 2 * math.pi * i / max(len(ring), 1)
            positions[node.term] = (cx + radius_x * scale * math.cos(angle), cy + radius_y * scale * math.sin(angle))
    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{esc("Neighbourhood of " + nb.center.label(lang))}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>']
    for edge in nb.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        # stop the line short of the target's label box
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        shrink = min(30, dist / 3)
        x2s, y2s = x2 - dx / dist * shrink, y2 - dy / dist * shrink
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        full = "; ".join(sorted({st.property_label(lang) for st in edge.labels}))
        parts.append(f'<g class="edge"><title>{esc(full)}</title>'
                     f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2s:.1f}" y2="{y2s:.1f}" stroke="#aaa" '
                     f'stroke-width="1.2" marker-end="url(#arrow)"/>'
                     f'<text x="{mx:.1f}" y="{my:.1f}" class="edge-label" text-anchor="middle">'
                     f'{esc(_clip(edge.label(lang), 26))}</text></g>')
    for node in [nb.center] + nb.nodes:
        if node.term not in positions:
            continue
        x, y = positions[node.term]
        colour = ROLE_COLOURS[node.role]
        label = node.label(lang)
        shown = _clip(label, 30 if node.role == "center" else 22)
        box = max(60, min(230, 7.2 * sum(2 if ord(c) > 0x2E80 else 1 for c in shown) + 18))
        parts.append(f'<g class="node {node.role}" data-term="{esc(node.curie)}" tabindex="0">'
                     f'<title>{esc(label)} — {esc(node.curie)}</title>'
                     f'<rect x="{x - box / 2:.1f}" y="{y - 14:.1f}" width="{box:.1f}" height="28" rx="14" '
                     f'fill="{colour}" fill-opacity="{1 if node.role == "center" else 0.12}" stroke="{colour}"/>'
                     f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" '
                     f'fill="{"#fff" if node.role == "center" else "#222"}">{esc(shown)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- counts


def counts(engine: QueryEngine) -> dict[str, int]:
    """Counts of classes, properties, individuals and labels by language, as ``enforcekg stats`` gives them."""
    from .stats import COUNTS

    out = {}
    for name, text in COUNTS.items():
        result = engine.select(text, timeout=None, limit=1)
        out[name] = int(result.rows[0][0]) if result.rows and result.rows[0][0] is not None else 0
    result = engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=None, limit=1)
    out["triples"] = int(result.rows[0][0])
    return out


def is_ekg_class(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(EKG))


# --------------------------------------------------------------------------- HTML fragments


def link_html(term, labels: dict | None = None, lang: str = "en") -> str:
    """A project term as ``<a data-term>`` (clickable in the app), anything else as text; escaped."""
    if isinstance(term, Literal):
        text = html.escape(str(term))
        tag = f' <span class="curie">@{html.escape(term.language)}</span>' if term.language else ""
        return text + tag
    name = html.escape(pick(labels or {}, lang, compact(term)))
    curie = html.escape(compact(term))
    if is_project_term(term):
        return f'<a href="#" data-term="{curie}" title="{curie}">{name}</a>'
    return f'<span title="{html.escape(str(term))}">{name}</span>'


def statements_html(groups, lang: str = "en", per_property: int = 25) -> str:
    """Statements grouped by property as a two-column table (inferred ones marked)."""
    if not groups:
        return '<p class="more">none</p>'
    rows = []
    for prop, statements in groups:
        shown = statements[:per_property]
        values = []
        for st in shown:
            value = link_html(st.value, st.value_labels, lang)
            if st.inferred:
                value += ' <span class="inferred">inferred</span>'
            values.append(value)
        if len(statements) > per_property:
            values.append(f'<span class="more">… and {len(statements) - per_property} more</span>')
        name = html.escape(statements[0].property_label(lang))
        rows.append(f'<tr><th title="{html.escape(compact(prop))}">{name}</th><td>{"<br>".join(values)}</td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def links_html(links, lang: str = "en") -> str:
    """A row of links (sources, classes, superclasses) separated by spaces."""
    return '<div class="sources">' + " ".join(link_html(l.term, l.labels, lang) for l in links) + "</div>"
