"""What the documentation shows, collected from the graph and the SHACL shapes.

:class:`DocsModel` sorts and classifies the project's terms and indexes the class and property
hierarchies, domains and ranges, individuals, incoming references, and which shapes target,
constrain or mention each term. It holds no HTML; :mod:`enforcekg.docs_html` renders it.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from .namespaces import EKG, EKGID, bind_prefixes
from .release import ONTOLOGY_IRI, is_project_iri, label, project_terms

KINDS = {  # kind -> (heading, rdf:types, in order of precedence)
    "class": ("Classes", (OWL.Class, RDFS.Class)),
    "object property": ("Object properties", (OWL.ObjectProperty,)),
    "datatype property": ("Datatype properties", (OWL.DatatypeProperty,)),
    "annotation property": ("Annotation properties", (OWL.AnnotationProperty,)),
    "property": ("Other properties", (RDF.Property,)),
}


class DocsModel:
    """Indexes over the graph and the shapes, and the names and page paths of their terms."""

    def __init__(self, graph: Graph, shapes: Graph | None = None):
        self.graph = bind_prefixes(graph)
        self.shapes = bind_prefixes(shapes if shapes is not None else Graph())
        self.terms = sorted(project_terms(graph), key=self.sort_key)
        self.term_set = set(self.terms)
        self.kind = {t: self._kind(t) for t in self.terms}
        self.version = str(graph.value(ONTOLOGY_IRI, OWL.versionInfo) or "unknown")
        self._index()
        self._index_shapes()

    # --- names and paths ---------------------------------------------------------------------------

    def sort_key(self, term):
        return ((label(self.graph, term) or self.curie(term)).lower(), str(term))

    def curie(self, node) -> str:
        for graph in (self.graph, self.shapes):
            try:
                return graph.namespace_manager.curie(node, generate=False)
            except (ValueError, KeyError, TypeError):
                continue
        return str(node)

    @staticmethod
    def page_path(term) -> str:
        """The page of *term*, relative to the output directory."""
        text = str(term)
        folder, local = ("ekg", text[len(str(EKG)):]) if text.startswith(str(EKG)) else ("id", text[len(str(EKGID)):])
        safe = re.sub(r"[^A-Za-z0-9._-]", lambda m: "_%04X" % ord(m.group()), local) or "_"
        return f"{folder}/{safe}.html"

    def shape_name(self, shape) -> str:
        name = label(self.shapes, shape) or next((str(v) for v in self.shapes.objects(shape, SH.name)), None)
        if name:
            return name
        if isinstance(shape, URIRef):
            return self.curie(shape)
        targets = [self.curie(t) for t in self.shapes.objects(shape, SH.targetClass)]
        return "shape for " + ", ".join(targets) if targets else "anonymous shape"

    # --- terms ---------------------------------------------------------------------------------------

    def _kind(self, term) -> str:
        types = set(self.graph.objects(term, RDF.type))
        for kind, (_, kind_types) in KINDS.items():
            if types & set(kind_types):
                return kind
        return "individual"

    def _members(self, node) -> list:
        """A class expression's named members: itself, or the members of a union."""
        if isinstance(node, URIRef):
            return [node]
        union = self.graph.value(node, OWL.unionOf)
        return [m for m in Collection(self.graph, union) if isinstance(m, URIRef)] if union is not None else []

    def _index(self):
        g = self.graph
        self.children = defaultdict(set)
        self.parents = defaultdict(set)
        for cls in self.terms_of("class"):
            for parent in g.objects(cls, RDFS.subClassOf):
                if isinstance(parent, URIRef):
                    self.parents[cls].add(parent)
                    self.children[parent].add(cls)
        self.sub_properties = defaultdict(set)
        for prop in self.terms:
            for parent in g.objects(prop, RDFS.subPropertyOf):
                self.sub_properties[parent].add(prop)
        self.domain_of, self.range_of = defaultdict(set), defaultdict(set)
        for prop in self.terms:
            for key, index in ((RDFS.domain, self.domain_of), (RDFS.range, self.range_of)):
                for value in g.objects(prop, key):
                    for member in self._members(value):
                        index[member].add(prop)
        self.members = defaultdict(set)
        for term in self.terms:
            for cls in g.objects(term, RDF.type):
                self.members[cls].add(term)
        self.referrers = defaultdict(lambda: defaultdict(set))  # object -> predicate -> subjects
        for s, p, o in g:
            if o in self.term_set and s in self.term_set and p != RDF.type:
                self.referrers[o][p].add(s)
        self.usage = defaultdict(int)
        for p in g.predicates():
            self.usage[p] += 1

    def terms_of(self, kind: str) -> list:
        return [t for t in self.terms if self.kind[t] == kind]

    def ancestors(self, cls) -> list:
        """Named superclasses of *cls*, nearest first."""
        seen, queue, order = {cls}, [cls], []
        while queue:
            current = queue.pop(0)
            for parent in sorted(self.parents.get(current, ()), key=str):
                if parent not in seen:
                    seen.add(parent)
                    order.append(parent)
                    queue.append(parent)
        return order

    def search_data(self) -> list[dict]:
        """One entry per term for the index page's search box."""
        g = self.graph
        data = []
        for term in self.terms:
            en, zh = label(g, term) or "", label(g, term, "zh") or ""
            alt = [str(a) for a in g.objects(term, SKOS.altLabel)]
            curie = self.curie(term)
            data.append({"en": en, "zh": zh, "curie": curie, "kind": self.kind[term], "href": self.page_path(term),
                         "k": " ".join([en, zh, curie, *alt]).lower()})
        return data

    # --- shapes ---------------------------------------------------------------------------------------

    def _index_shapes(self):
        s = self.shapes
        node_shapes = set(s.subjects(RDF.type, SH.NodeShape))
        for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property):
            node_shapes |= {n for n in s.subjects(key, None)}
        node_shapes -= set(s.objects(None, SH.property))  # property shapes are shown inside their node shape
        node_shapes |= {n for n in s.subjects(RDF.type, SH.PropertyShape) if (None, SH.property, n) not in s}
        self.shape_list = sorted(node_shapes, key=lambda n: (self.shape_name(n).lower(), str(n)))
        self.shape_anchor = {shape: f"shape-{i + 1}" for i, shape in enumerate(self.shape_list)}
        self.targeting = defaultdict(list)  # term -> [(shape, how)]
        self.path_uses = defaultdict(list)  # property -> [(node shape, property shape)]
        self.mentioning = defaultdict(set)
        for shape in self.shape_list:
            targets = []
            for cls in s.objects(shape, SH.targetClass):
                targets.append((cls, "targets its instances"))
            if set(s.objects(shape, RDF.type)) & {OWL.Class, RDFS.Class}:
                targets.append((shape, "targets its instances (implicit class target)"))
            for node in s.objects(shape, SH.targetNode):
                targets.append((node, "targets it"))
            for prop in s.objects(shape, SH.targetSubjectsOf):
                targets.append((prop, "targets the subjects of it"))
            for prop in s.objects(shape, SH.targetObjectsOf):
                targets.append((prop, "targets the objects of it"))
            for term, how in targets:
                if (shape, how) not in self.targeting[term]:
                    self.targeting[term].append((shape, how))
            for prop_shape in list(s.objects(shape, SH.property)) + ([shape] if (shape, SH.path, None) in s else []):
                for path_node in self._closure(s.value(prop_shape, SH.path)):
                    if isinstance(path_node, URIRef):
                        self.path_uses[path_node].append((shape, prop_shape))
            for node in self._closure(shape):
                if isinstance(node, URIRef) and is_project_iri(node):
                    self.mentioning[node].add(shape)

    def _closure(self, node) -> set:
        """Every node reachable from *node* in the shapes graph, not entering other top-level shapes."""
        found, pending = set(), [node] if node is not None else []
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.add(current)
            if current == node or current not in self.shape_anchor:
                pending.extend(o for p, o in self.shapes.predicate_objects(current) if p != DCTERMS.source)
        return found
