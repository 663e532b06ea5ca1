"""Everything about one term: its labels, definition, sources, kind, classes, superclasses and
subclasses, and its outgoing and incoming statements (each flagged as inferred when the asserted
graph is given)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .explore import Link, Named, is_project_term, pick, record_labels, resolve, run_app_query
from .store import QueryEngine, compact

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
class TermPage(Named):
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
    result = run_app_query(engine, "term-statements", {"term": str(iri)})
    types = set()
    for record in result.records():
        prop, value = record["property"], record["value"]
        if (prop, value) in NOISE:
            continue
        if isinstance(value, BNode) and str(record["direction"]) == "in":
            continue  # anonymous OWL expressions pointing here say nothing readable
        inferred = None
        direction = str(record["direction"])
        if asserted is not None:
            triple = (iri, prop, value) if direction == "out" else (value, prop, iri)
            inferred = triple not in asserted
        st = Statement(direction, prop, record_labels(record, "propertyEn", "propertyZh"), value,
                       record_labels(record, "valueEn", "valueZh"), inferred)
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
