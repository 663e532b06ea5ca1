"""The documentation's pages: one per term, the index and the shapes page.

A term page shows both labels, the definition, notes, sources, super- and subclasses, the
properties whose domain or range is the class, its individuals, every other statement, the
terms that refer to it and the shapes that target or mention it.
"""

from __future__ import annotations

import json
from collections import defaultdict

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .docs_html import SEARCH_SCRIPT, DocsHtml, esc, facts_list, language_of, zh_span
from .docs_model import KINDS
from .release import ONTOLOGY_IRI, is_deprecated, label

SHOWN_ABOVE = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, DCTERMS.source, RDF.type,
               RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.deprecated,
               DCTERMS.isReplacedBy, SKOS.scopeNote, SKOS.example, SKOS.editorialNote, RDFS.comment,
               OWL.equivalentClass, OWL.inverseOf}
NOTES = ((SKOS.scopeNote, "Scope note"), (SKOS.example, "Example"), (RDFS.comment, "Comment"),
         (SKOS.editorialNote, "Editorial note"))


class Docs(DocsHtml):
    """The documentation of one graph and its shapes, page by page."""

    # --- term pages ----------------------------------------------------------------------------------

    def term_page(self, term) -> str:
        g, root = self.graph, "../"
        en, zh = label(g, term), label(g, term, "zh")
        kind = self.kind[term]
        body = [f"<h1>{esc(en or self.curie(term))}{zh_span(zh)}</h1>",
                f'<p class="iri"><code>{esc(self.curie(term))}</code> <span class="iri">{esc(term)}</span>'
                f'<span class="kind">{esc(kind)}</span></p>']
        if is_deprecated(g, term):
            replacements = self.values(term, DCTERMS.isReplacedBy, root)
            notes = "; ".join(esc(n) for n in g.objects(term, SKOS.editorialNote))
            body.append('<p class="deprecated"><strong>Deprecated.</strong> '
                        + (f"Use {replacements} instead. " if replacements else "") + notes + "</p>")
        for definition in sorted(g.objects(term, SKOS.definition), key=lambda d: language_of(d) != "en"):
            body.append(f'<p class="definition" lang="{esc(definition.language or "en")}">{esc(definition)}</p>')
        facts = []
        alt = sorted(g.objects(term, SKOS.altLabel), key=lambda v: (language_of(v), str(v)))
        if alt:
            facts.append(("Also called", ", ".join(self.literal(v) for v in alt)))
        for prop, name in NOTES:
            for note in g.objects(term, prop):
                facts.append((name, self.literal(note) if isinstance(note, Literal) else self.link(note, root)))
        sources = sorted(g.objects(term, DCTERMS.source), key=self.sort_key)
        if sources:
            facts.append(("Sources", self.link_list(sources, root)))
        types = [t for t in g.objects(term, RDF.type) if t != OWL.NamedIndividual]
        if types and kind == "individual":
            facts.append(("Type", ", ".join(self.link(t, root, True) for t in sorted(types, key=self.sort_key))))
        if kind == "class":
            facts += self._class_facts(term, root)
        elif kind != "individual":
            facts += self._property_facts(term, root)
        body.append(facts_list(facts))
        body.append(self._statements(term, root))
        body.append(self._referrers(term, root))
        body.append(self._shapes_section(term, root))
        return self.page(f"{en or self.curie(term)} — enforcekg", "\n".join(b for b in body if b), root)

    def _class_facts(self, cls, root) -> list[tuple[str, str]]:
        g, facts = self.graph, []
        supers = sorted(g.objects(cls, RDFS.subClassOf), key=lambda v: (isinstance(v, BNode), str(v)))
        if supers:
            facts.append(("Superclasses", self.link_list(supers, root)))
        ancestors = [a for a in self.ancestors(cls) if a not in supers]
        if ancestors:
            facts.append(("Further ancestors", ", ".join(self.link(a, root) for a in ancestors)))
        for key, name in ((OWL.equivalentClass, "Equivalent to"), (OWL.disjointWith, "Disjoint with")):
            if (cls, key, None) in g:
                facts.append((name, self.values(cls, key, root)))
        subs = sorted(self.children.get(cls, ()), key=self.sort_key)
        if subs:
            facts.append((f"Subclasses ({len(subs)})", self.link_list(subs, root)))
        for index, name in ((self.domain_of, "Properties of its members (domain)"),
                            (self.range_of, "Properties whose values it holds (range)")):
            rows = [(p, None) for p in index.get(cls, ())]
            rows += [(p, a) for a in self.ancestors(cls) for p in index.get(a, ())]
            if rows:
                items = "".join(f"<li>{self.link(p, root, True)}" + (f' <span class="meta">via {self.link(a, root)}</span>' if a else "")
                                + "</li>" for p, a in sorted(rows, key=lambda r: (r[1] is not None, self.sort_key(r[0]))))
                facts.append((name, f"<ul>{items}</ul>"))
        members = sorted(self.members.get(cls, ()), key=self.sort_key)
        if members:
            facts.append((f"Individuals ({len(members)})", self.link_list(members, root)))
            used = defaultdict(int)
            for member in members:
                for p in set(g.predicates(member)):
                    used[p] += 1
            facts.append(("Properties its individuals use", ", ".join(
                f"{self.link(p, root)} <span class=\"meta\">{n}</span>" for p, n in sorted(used.items(), key=lambda i: -i[1]))))
        return facts

    def _property_facts(self, prop, root) -> list[tuple[str, str]]:
        g, facts = self.graph, []
        for key, name in ((RDFS.domain, "Domain"), (RDFS.range, "Range"), (RDFS.subPropertyOf, "Subproperty of"),
                          (OWL.inverseOf, "Inverse of"), (OWL.equivalentProperty, "Equivalent to"),
                          (OWL.propertyChainAxiom, "Property chain")):
            if (prop, key, None) in g:
                facts.append((name, self.values(prop, key, root)))
        subs = sorted(self.sub_properties.get(prop, ()), key=self.sort_key)
        if subs:
            facts.append(("Subproperties", ", ".join(self.link(p, root, True) for p in subs)))
        characteristics = [self.curie(t) for t in g.objects(prop, RDF.type)
                           if t not in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)]
        if characteristics:
            facts.append(("Characteristics", ", ".join(f"<code>{esc(c)}</code>" for c in sorted(characteristics))))
        facts.append(("Used in", f"{self.usage.get(prop, 0)} statement(s)"))
        return facts

    def _statements(self, term, root) -> str:
        rows = defaultdict(list)
        for p, o in self.graph.predicate_objects(term):
            if p not in SHOWN_ABOVE:
                rows[p].append(o)
        if not rows:
            return ""
        body = "".join(
            f"<tr><td>{self.link(p, root)}</td><td>"
            + "<br>".join(self.link(o, root, True) if isinstance(o, URIRef) else self.expression(o, root) if isinstance(o, BNode)
                          else self.literal(o) for o in sorted(values, key=str)) + "</td></tr>"
            for p, values in sorted(rows.items(), key=lambda i: self.sort_key(i[0])))
        return f"<h2>Statements</h2><table><tr><th>Property</th><th>Value</th></tr>{body}</table>"

    def _referrers(self, term, root) -> str:
        incoming = self.referrers.get(term)
        if not incoming:
            return ""
        parts = []
        for p, subjects in sorted(incoming.items(), key=lambda i: self.sort_key(i[0])):
            name = "Cited as source by" if p == DCTERMS.source else f"Value of {self.link(p, root)} for"
            ordered = sorted(subjects, key=self.sort_key)
            parts.append(f"<dt>{name} ({len(ordered)})</dt><dd>{self.link_list(ordered, root)}</dd>")
        return '<h2>Referred to by</h2><dl class="facts">' + "".join(parts) + "</dl>"

    def _shapes_section(self, term, root) -> str:
        g, kind = self.graph, self.kind.get(term)
        direct = [(shape, how.replace(" it", " this term")) for shape, how in self.targeting.get(term, [])
                  if kind == "class" or "instances" not in how]
        if kind == "class":
            for ancestor in self.ancestors(term):
                for shape, how in self.targeting.get(ancestor, []):
                    if "instances" in how:
                        direct.append((shape, f"targets instances of its superclass {self.link(ancestor, root)}"))
        if kind == "individual":
            for cls in g.objects(term, RDF.type):
                for shape, how in self.targeting.get(cls, []):
                    if "instances" in how:
                        direct.append((shape, f"targets instances of {self.link(cls, root)}"))
            for prop in set(g.predicates(term)):
                direct += [(shape, f"targets subjects of {self.link(prop, root)}")
                           for shape, how in self.targeting.get(prop, []) if how == "targets the subjects of it"]
            for prop in set(g.predicates(None, term)):
                direct += [(shape, f"targets objects of {self.link(prop, root)}")
                           for shape, how in self.targeting.get(prop, []) if how == "targets the objects of it"]
        seen, unique = set(), []
        for shape, how in direct:
            if shape not in seen:
                seen.add(shape)
                unique.append((shape, how))
        uses = [] if kind in ("class", "individual") else self.path_uses.get(term, [])
        shown = seen | {owner for owner, _ in uses}
        mentions = sorted(self.mentioning.get(term, set()) - shown, key=self.shape_name)
        if not unique and not uses and not mentions:
            return ""
        parts = ["<h2>Shapes</h2>"]
        if uses:
            parts.append(f"<h3>Property shapes on this property ({len(uses)})</h3><table><tr><th>Shape</th>"
                         "<th>Path</th><th>Constraints</th><th>Message</th></tr>"
                         + "".join(self.property_shape_row(p, root, owner) for owner, p in uses) + "</table>")
        for shape, how in unique:
            parts.append(f'<p class="meta">This shape {how}.</p>' + self.render_shape(shape, root))
        if mentions:
            parts.append(f"<p>Also mentioned by: {', '.join(self.shape_link(x, root) for x in mentions)}</p>")
        return "\n".join(parts)

    # --- index and shapes pages ------------------------------------------------------------------------

    def _tree(self, cls, root, seen) -> str:
        if cls in seen:
            return ""
        seen = seen | {cls}
        children = sorted(self.children.get(cls, ()), key=self.sort_key)
        inner = "".join(self._tree(c, root, seen) for c in children)
        count = len(self.members.get(cls, ()))
        meta = f' <span class="meta">{count} individual(s)</span>' if count else ""
        return f"<li>{self.link(cls, root, True)}{meta}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>"

    def index_page(self) -> str:
        g, root = self.graph, ""
        title = g.value(ONTOLOGY_IRI, DCTERMS.title) or label(g, ONTOLOGY_IRI) or "enforcekg"
        body = [f"<h1>{esc(title)}{zh_span(label(g, ONTOLOGY_IRI, 'zh'))}</h1>"]
        if (description := g.value(ONTOLOGY_IRI, DCTERMS.description)) is not None:
            body.append(f'<p class="definition">{esc(description)}</p>')
        facts = [("Ontology IRI", f"<code>{esc(ONTOLOGY_IRI)}</code>"), ("Version", esc(self.version))]
        for key, name in ((OWL.versionIRI, "Version IRI"), (DCTERMS.license, "Licence"), (DCTERMS.source, "Source")):
            if (value := g.value(ONTOLOGY_IRI, key)) is not None:
                facts.append((name, self.link(value, root, True)))
        counts = {kind: len(self.terms_of(kind)) for kind in ("class", *list(KINDS)[1:], "individual")}
        plural = {"class": "classes", "individual": "individuals"}
        facts.append(("Terms", ", ".join(
            f"{n} {kind if n == 1 else plural.get(kind, kind.replace('property', 'properties'))}"
            for kind, n in counts.items() if n) + f", {len(self.shape_list)} shapes"))
        body.append(facts_list(facts))
        data = json.dumps(self.search_data(), ensure_ascii=False).replace("</", "<\\/")
        body.append('<h2 id="search">Search</h2><p><input id="search-box" type="search" '
                    'placeholder="English or Chinese label, or CURIE — e.g. freeze, 冻结, ekg:Court" '
                    'aria-label="Search terms by label"> <span id="search-count" class="meta"></span></p>'
                    '<ul id="search-results"></ul>'
                    f'<script type="application/json" id="search-data">{data}</script>{SEARCH_SCRIPT}')
        classes = self.terms_of("class")
        roots = [c for c in classes if not (self.parents.get(c, set()) & self.term_set)]
        external_parents = defaultdict(list)
        for cls in roots:
            parents = sorted(self.parents.get(cls, set()), key=str) or [None]
            for parent in parents:
                external_parents[parent].append(cls)
        tree = []
        for parent in sorted(external_parents, key=lambda p: (p is not None and p != OWL.Thing, str(p))):
            heading = self.link(parent, root) if parent is not None else "no superclass"
            inner = "".join(self._tree(c, root, frozenset()) for c in sorted(external_parents[parent], key=self.sort_key))
            tree.append(f"<li>{heading}<ul>{inner}</ul></li>")
        body.append(f'<h2 id="classes">Classes ({len(classes)})</h2><ul class="tree">{"".join(tree)}</ul>')
        body.append('<h2 id="properties">Properties</h2>')
        for kind in list(KINDS)[1:]:
            props = self.terms_of(kind)
            if not props:
                continue
            rows = "".join(
                f"<tr><td>{self.link(p, root)}</td><td lang=\"zh\">{esc(label(g, p, 'zh') or '')}</td>"
                f"<td>{self.values(p, RDFS.domain, root)}</td><td>{self.values(p, RDFS.range, root)}</td></tr>"
                for p in props)
            body.append(f"<h3>{KINDS[kind][0]} ({len(props)})</h3><table><tr><th>English</th><th>中文</th>"
                        f"<th>Domain</th><th>Range</th></tr>{rows}</table>")
        body.append(f'<h2 id="individuals">Individuals ({counts["individual"]})</h2>')
        by_class = defaultdict(list)
        for term in self.terms_of("individual"):
            classes_of = [t for t in g.objects(term, RDF.type) if t != OWL.NamedIndividual] or [OWL.NamedIndividual]
            for cls in classes_of:
                by_class[cls].append(term)
        for cls in sorted(by_class, key=self.sort_key):
            body.append(f"<details><summary>{self.link(cls, root, True)} <span class=\"meta\">{len(by_class[cls])}</span>"
                        f"</summary>{self.link_list(by_class[cls], root)}</details>")
        body.append(f'<h2 id="shapes">Shapes ({len(self.shape_list)})</h2><ul>'
                    + "".join(f"<li>{self.shape_link(s, root)}</li>" for s in self.shape_list) + "</ul>")
        return self.page(str(title), "\n".join(body), root)

    def shapes_page(self) -> str:
        body = [f"<h1>SHACL shapes ({len(self.shape_list)})</h1>",
                "<p>The shapes in <code>ontology/shapes</code> that validate the graph and case files.</p>"]
        body += [self.render_shape(shape, "", "h2", anchor=True) for shape in self.shape_list] or ["<p>No shapes yet.</p>"]
        return self.page("SHACL shapes — enforcekg", "\n".join(body), "")
