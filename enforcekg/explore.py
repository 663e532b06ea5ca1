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
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import PREFIXES
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
# the same properties read backwards, for the incoming links of a term
W3C_INVERSE_LABELS = {
    RDF.type: {"en": "member (has this type)", "zh": "成员"},
    RDFS.subClassOf: {"en": "subclass", "zh": "子类"},
    RDFS.subPropertyOf: {"en": "subproperty", "zh": "子属性"},
    RDFS.domain: {"en": "property with this domain", "zh": "以此为定义域的属性"},
    RDFS.range: {"en": "property with this range", "zh": "以此为值域的属性"},
    DCTERMS.source: {"en": "term citing this as its source", "zh": "以此为来源的术语"},
    DCTERMS.isPartOf: {"en": "part", "zh": "组成部分"},
    SKOS.inScheme: {"en": "concept in this scheme", "zh": "体系内概念"},
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
    classes_zh: str = ""

    def kind_label(self, lang: str = "en") -> str:
        """The term's most specific classes in *lang* (or its kind, for classes and properties)."""
        return (self.classes_zh if lang == "zh" and self.classes_zh else self.classes) or self.kind

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
                                   page.curie, None, (-1, 0, ""), " · ".join(l.label("zh") for l in page.classes))
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
                             str(match), getattr(match, "language", None), rank, str(record.get("classesZh", "")))
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
        if self.direction == "in" and self.property in W3C_INVERSE_LABELS:
            return pick(W3C_INVERSE_LABELS[self.property], lang)
        return pick(self.property_labels or W3C_LABELS.get(self.property, {}), lang, compact(self.property))

    def value_label(self, lang: str = "en") -> str:
        if isinstance(self.value, Literal):
            return str(self.value)
        if isinstance(self.value, BNode):
            return "（匿名 OWL 类表达式）" if lang == "zh" else "(an anonymous OWL class expression)"
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
        for statements in groups.values():
            statements.sort(key=lambda s: (bool(s.inferred), isinstance(s.value, BNode), s.value_label().lower()))
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
        if isinstance(value, BNode) and str(record["direction"]) == "in":
            continue  # anonymous OWL expressions pointing here say nothing readable
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
    """The terms linked to *page*'s term by object properties: at most *max_nodes* / 2 on each side.

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
    outs = [n for n in order if n.role != "in"]
    ins = [n for n in order if n.role == "in"]
    half = max_nodes // 2  # at most half on each side, so that the picture stays short
    kept = outs[:half] + ins[:half]
    kept_terms = {n.term for n in kept}
    kept_edges = [e for e in edges.values() if (e.source in kept_terms or e.target in kept_terms)]
    return Neighbourhood(center, kept, kept_edges, hidden=len(order) - len(kept))


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    units = 0
    out = []
    for ch in text:
        units += 2 if ord(ch) > 0x2E80 else 1
        if units > width:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


def wrap_label(text: str, width: int = 22, lines: int = 2) -> list[str]:
    """*text* broken at spaces (or anywhere, for Chinese) into at most *lines* lines of *width* units."""
    out, current = [], ""
    for word in re.findall(r"\S+\s*", text) if " " in text else list(text):
        if _units(current + word.rstrip()) <= width or not current:
            current += word
            continue
        out.append(current.rstrip())
        current = word
        if len(out) == lines:
            break
    if len(out) < lines and current:
        out.append(current.rstrip())
    shown = " ".join(out) if " " in text else "".join(out)
    if _units(shown.replace(" ", "")) < _units(text.replace(" ", "")):
        words = out[-1].split(" ")
        while len(words) > 1 and _units(" ".join(words)) + 1 > width:
            words.pop()
        out[-1] = _clip(" ".join(words), width - 1).rstrip("…") + "…"
    return [_clip(line, width + 2) for line in out]


ROLE_COLOURS = {"center": "#1f4e79", "out": "#2e7d32", "in": "#8e44ad", "both": "#b26a00"}


def neighbourhood_svg(nb: Neighbourhood, lang: str = "en", width: int = 760) -> str:
    """*nb* as an SVG: the term in the middle, the terms pointing to it in a column on the left and
    the terms it points to on the right; each box names its link (property) above the term.

    Nodes are ``<g class="node" data-term="CURIE">`` with a ``<title>`` holding the full label,
    so a script can make them clickable. Every text is escaped. The height grows with the number
    of linked terms.
    """
    esc = html.escape
    left = [n for n in nb.nodes if n.role == "in"]
    right = [n for n in nb.nodes if n.role != "in"]
    links: dict = {}
    for edge in nb.edges:
        other = edge.target if edge.source == nb.center.term else edge.source
        links[other] = edge
    row, margin, side_w = 60, 14, 220
    height = max(110, max(len(left), len(right), 1) * row + 2 * margin)
    cx, cy = width / 2, height / 2
    positions = {nb.center.term: (cx, cy)}
    for column, x in ((left, margin + side_w / 2), (right, width - margin - side_w / 2)):
        top = cy - (len(column) - 1) * row / 2
        for i, node in enumerate(column):
            positions[node.term] = (x, top + i * row)
    center_lines = wrap_label(nb.center.label(lang), 22, 3)
    center_w = max(90, min(180, 7.0 * max(_units(line) for line in center_lines) + 24))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{esc("Neighbourhood of " + nb.center.label(lang))}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#999"/></marker></defs>']
    for other, edge in links.items():
        if other not in positions:
            continue
        outward = edge.source == nb.center.term
        ox, oy = positions[other]
        sign = 1 if ox > cx else -1
        near = (cx + sign * center_w / 2, cy)
        far = (ox - sign * side_w / 2, oy)
        (x1, y1), (x2, y2) = (near, far) if outward else (far, near)
        full = "; ".join(sorted({st.property_label(lang) for st in edge.labels}))
        parts.append(f'<g class="edge"><title>{esc(full)}</title>'
                     f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#bbb" '
                     f'stroke-width="1.2" marker-end="url(#arrow)"/></g>')
    for node in nb.nodes + [nb.center]:
        if node.term not in positions:
            continue
        x, y = positions[node.term]
        colour = ROLE_COLOURS[node.role]
        label = node.label(lang)
        if node.role == "center":
            lines, box_w, caption = center_lines, center_w, None
        else:
            lines, box_w = wrap_label(label, 32, 2), side_w
            edge = links.get(node.term)
            arrow = "→ " if node.role == "out" else ("← " if node.role == "in" else "↔ ")
            caption = arrow + (edge.label(lang) if edge else "")
        top_pad = 13 if caption else 0
        box_h = top_pad + 15 * len(lines) + 9
        y_top = y - box_h / 2
        texts = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 15}">{esc(line)}</tspan>' for i, line in enumerate(lines))
        first = y_top + top_pad + 16
        cap = (f'<text x="{x:.1f}" y="{y_top + 12:.1f}" text-anchor="middle" class="edge-label">{esc(_clip(caption, 40))}</text>'
               if caption else "")
        parts.append(f'<g class="node {node.role}" data-term="{esc(node.curie)}" tabindex="0">'
                     f'<title>{esc(label)} — {esc(node.curie)}</title>'
                     f'<rect x="{x - box_w / 2:.1f}" y="{y_top:.1f}" width="{box_w:.1f}" height="{box_h}" rx="8" '
                     f'fill="{colour}" fill-opacity="{1 if node.role == "center" else 0.08}" stroke="{colour}"/>{cap}'
                     f'<text x="{x:.1f}" y="{first:.1f}" text-anchor="middle" '
                     f'fill="{"#fff" if node.role == "center" else "#222"}">{texts}</text></g>')
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


# --------------------------------------------------------------------------- HTML fragments


def link_html(term, labels: dict | None = None, lang: str = "en") -> str:
    """A project term as ``<a data-term>`` (clickable in the app), anything else as text; escaped."""
    if isinstance(term, Literal):
        text = html.escape(str(term))
        tag = f' <span class="curie">@{html.escape(term.language)}</span>' if term.language else ""
        if term.datatype is not None and not term.language:
            tag = f' <span class="curie">{html.escape(compact(term.datatype))}</span>'
        return text + tag
    if isinstance(term, BNode):
        text = "（匿名 OWL 类表达式）" if lang == "zh" else "(an anonymous OWL class expression; see the HTML documentation)"
        return f'<span class="more">{text}</span>'
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


def term_header_html(page: TermPage, lang: str = "en") -> str:
    """The head of a term page: the other-language label, CURIE, kind and classes, definition,
    synonyms and sources, as one escaped fragment with clickable links."""
    other = "zh" if lang == "en" else "en"
    esc = html.escape
    parts = []
    if page.labels.get(other):
        parts.append(f'<div class="other-label" lang="{other}">{esc(page.labels[other])}</div>')
    classes = ", ".join(link_html(l.term, l.labels, lang) for l in page.classes)
    meta = f'<code class="curie">{esc(page.curie)}</code> · {esc(page.kind)}' + (f" of {classes}" if classes else "")
    parts.append(f'<div class="meta">{meta}</div>')
    definition = page.definition(lang) or page.definition("en")
    if definition:
        parts.append(f"<blockquote>{esc(definition)}</blockquote>")
    if page.alt_labels:
        alts = " · ".join(f'<span lang="{esc(a.language or "")}">{esc(str(a))}</span>' for a in page.alt_labels)
        parts.append(f'<div class="row"><b>{"别名" if lang == "zh" else "Also called"}:</b> {alts}</div>')
    if page.sources:
        sources = "<br>".join(link_html(l.term, l.labels, lang) for l in page.sources)
        parts.append(f'<div class="row"><b>{"来源" if lang == "zh" else "Source"}:</b><div class="sources">{sources}</div></div>')
    return "".join(parts)


# --------------------------------------------------------------------------- form helpers


def members(engine: QueryEngine, cls) -> list[Link]:
    """The named individuals of class *cls* (a CURIE or IRI), with their labels, by English label."""
    result = _run(engine, "members", {"class": str(resolve(str(cls)) or cls)})
    out: dict = {}
    for record in result.records():
        labels = {k: str(record[v]) for k, v in (("en", "labelEn"), ("zh", "labelZh")) if v in record}
        out.setdefault(record["member"], Link(record["member"], labels))
    return list(out.values())


def is_subclass(engine: QueryEngine, sub, sup) -> bool:
    """Whether class *sub* is *sup* or lies below it (CURIEs or IRIs)."""
    params = {"sub": str(resolve(str(sub)) or sub), "super": str(resolve(str(sup)) or sup)}
    return bool(_run(engine, "subclass-of", params, limit=1).rows)
