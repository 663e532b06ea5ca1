"""HTML fragments of the documentation: links, literals, class expressions and SHACL shapes.

:class:`DocsHtml` adds to :class:`~enforcekg.docs_model.DocsModel` the pieces every page is
built from; the page frame, the stylesheet and the search script are the files in
``docs_assets``. All text from the graph passes through :func:`esc`.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from string import Template

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from .docs_model import DocsModel
from .release import is_deprecated, label

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def asset(name: str) -> str:
    """The text of ``docs_assets/<name>``."""
    return (resources.files("enforcekg") / "docs_assets" / name).read_text(encoding="utf-8")


PAGE = Template(asset("page.html"))
SEARCH_SCRIPT = "<script>\n" + asset("search.js") + "</script>"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def language_of(value: Literal) -> str:
    """The primary language subtag of *value*, lower-cased ('' when it has none)."""
    return (value.language or "").lower().split("-")[0]


def facts_list(facts) -> str:
    """``(name, html)`` pairs as a definition list."""
    return '<dl class="facts">' + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts) + "</dl>"


def zh_span(text) -> str:
    """A Chinese label beside a heading or link, or '' when there is none."""
    return f'<span class="zh" lang="zh">{esc(text)}</span>' if text else ""


class DocsHtml(DocsModel):
    """The model plus the HTML fragments its pages are made of."""

    def page(self, title: str, body: str, root: str) -> str:
        return PAGE.substitute(title=esc(title), body=body, root=root, version=esc(self.version))

    # --- terms ---------------------------------------------------------------------------------------

    def link(self, node, root: str, lang_labels: bool = False) -> str:
        """An ``<a>`` to *node*'s page (or to the IRI for external terms), named by its label."""
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            return self.expression(node, root)
        en = label(self.graph, node)
        zh_html = zh_span(label(self.graph, node, "zh") if lang_labels else None)
        if node in self.term_set:
            title = esc(self.curie(node))
            strike = ' class="deprecated-term"' if is_deprecated(self.graph, node) else ""
            return f'<a href="{root}{self.page_path(node)}" title="{title}"{strike}>{esc(en or self.curie(node))}</a>{zh_html}'
        text = esc(self.curie(node))
        if str(node).startswith(("http://", "https://")):
            return f'<a href="{esc(node)}" class="external"><code>{text}</code></a>'
        return f"<code>{text}</code>"

    @staticmethod
    def literal(value: Literal) -> str:
        text = esc(value)
        if value.language:
            return f'<span lang="{esc(value.language)}">{text}</span><span class="lang">@{esc(value.language)}</span>'
        if value.datatype:
            local = re.split(r"[#/]", str(value.datatype))[-1]
            return f'{text}<span class="dt">^^{esc(local)}</span>'
        return text

    def expression(self, node, root: str, graph: Graph | None = None, depth: int = 0) -> str:
        """A blank node as readable text: OWL class expressions in Manchester style, lists, else [p v]."""
        g = graph if graph is not None else self.graph
        if not isinstance(node, BNode):
            return self.link(node, root) if not isinstance(node, Literal) else self.literal(node)
        if depth > 6:
            return "…"

        def sub(n):
            return self.expression(n, root, g, depth + 1)

        if (node, RDF.first, None) in g:
            return "(" + ", ".join(sub(item) for item in Collection(g, node)) + ")"
        on_property = g.value(node, OWL.onProperty)
        if on_property is not None:
            prop = sub(on_property)
            for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
                if (value := g.value(node, key)) is not None:
                    return f"{prop} <em>{word}</em> {sub(value)}"
            for key, word in ((OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
                              (OWL.qualifiedCardinality, "exactly"), (OWL.minCardinality, "min"),
                              (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly")):
                if (value := g.value(node, key)) is not None:
                    qualifier = g.value(node, OWL.onClass) or g.value(node, OWL.onDataRange)
                    return f"{prop} <em>{word}</em> {esc(value)}" + (f" {sub(qualifier)}" if qualifier else "")
            if g.value(node, OWL.hasSelf) is not None:
                return f"{prop} <em>Self</em>"
        for key, word in ((OWL.unionOf, " <em>or</em> "), (OWL.intersectionOf, " <em>and</em> ")):
            if (members := g.value(node, key)) is not None:
                return "(" + word.join(sub(m) for m in Collection(g, members)) + ")"
        if (value := g.value(node, OWL.complementOf)) is not None:
            return f"<em>not</em> {sub(value)}"
        if (members := g.value(node, OWL.oneOf)) is not None:
            return "{" + ", ".join(sub(m) for m in Collection(g, members)) + "}"
        if (value := g.value(node, OWL.inverseOf)) is not None:
            return f"<em>inverse</em> {sub(value)}"
        parts = [f"{self.link(p, root)} {sub(o)}" for p, o in sorted(g.predicate_objects(node))
                 if p != RDF.type or o not in (OWL.Restriction, OWL.Class)]
        return "[" + "; ".join(parts) + "]"

    def link_list(self, nodes, root: str) -> str:
        """A bulleted list of links to *nodes*, with their Chinese labels."""
        return "<ul>" + "".join(f"<li>{self.link(n, root, True)}</li>" for n in nodes) + "</ul>"

    def values(self, term, prop, root) -> str:
        """The values of *prop* on *term* as links, named terms before expressions."""
        values = sorted(self.graph.objects(term, prop), key=lambda v: (isinstance(v, BNode), str(v)))
        return ", ".join(self.link(v, root, lang_labels=False) for v in values)

    def texts(self, node, prop, graph: Graph | None = None) -> str:
        """The literal values of *prop* on *node*, one per line, English first, marked with their language."""
        g = graph if graph is not None else self.graph
        values = sorted(g.objects(node, prop),
                        key=lambda v: (language_of(v) != "en", str(v)) if isinstance(v, Literal) else (True, str(v)))
        return "<br>".join(f'<span lang="{esc(v.language)}">{esc(v)}</span>' if isinstance(v, Literal) and v.language
                           else esc(v) for v in values)

    # --- shapes ---------------------------------------------------------------------------------------

    def shape_link(self, shape, root: str) -> str:
        """An ``<a>`` to *shape* on the shapes page, named by the shape."""
        return f'<a href="{root}shapes.html#{self.shape_anchor.get(shape, "")}">{esc(self.shape_name(shape))}</a>'

    def shape_path(self, path, root: str) -> str:
        s = self.shapes
        if path is None:
            return "(this node)"
        if isinstance(path, URIRef):
            return self.link(path, root)
        if (path, RDF.first, None) in s:
            return " / ".join(self.shape_path(p, root) for p in Collection(s, path))
        for key, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                         (SH.zeroOrOnePath, "{}?")):
            if (inner := s.value(path, key)) is not None:
                return fmt.format(self.shape_path(inner, root))
        if (alternatives := s.value(path, SH.alternativePath)) is not None:
            return "(" + " | ".join(self.shape_path(p, root) for p in Collection(s, alternatives)) + ")"
        return self.expression(path, root, s)

    def constraints(self, shape, root: str) -> list[str]:
        """The constraint components of one (node or property) shape, as short HTML phrases."""
        s = self.shapes
        out = []
        skip = {RDF.type, SH.path, SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                SH.targetObjectsOf, SH.message, SH.severity, SH.name, SH.description, RDFS.label, RDFS.comment,
                SH.sparql, SH.deactivated, SH.order, SH.group, DCTERMS.source}
        order = [SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern]
        words = {SH.minCount: "at least {} value(s)", SH.maxCount: "at most {} value(s)",
                 SH.minLength: "at least {} characters", SH.maxLength: "at most {} characters",
                 SH.minInclusive: "≥ {}", SH.maxInclusive: "≤ {}", SH.minExclusive: "> {}", SH.maxExclusive: "< {}",
                 SH.pattern: "matches <code>{}</code>", SH.flags: "(flags {})"}
        for p, o in sorted(s.predicate_objects(shape), key=lambda po: (order.index(po[0]) if po[0] in order else len(order), po)):
            if p in skip:
                continue
            if p in words:
                out.append(words[p].format(esc(o)))
            elif p == SH["class"]:
                out.append(f"instance of {self.link(o, root)}")
            elif p == SH.datatype:
                out.append(f"datatype {self.link(o, root)}")
            elif p == SH.nodeKind:
                out.append(f"node kind {esc(self.curie(o))}")
            elif p in (SH["in"], SH.languageIn):
                items = ", ".join(self.link(i, root) if not isinstance(i, Literal) else self.literal(i)
                                  for i in Collection(s, o))
                out.append(("one of " if p == SH["in"] else "language one of ") + f"{{{items}}}")
            elif p == SH.hasValue:
                out.append(f"has value {self.expression(o, root, s)}")
            elif p == SH.uniqueLang:
                out.append("one value per language" if str(o).lower() == "true" else "languages may repeat")
            elif p == SH.node:
                out.append(f"conforms to {self.shape_ref(o, root)}")
            elif p in (SH["or"], SH["and"], SH.xone):
                joiner = {SH["or"]: " <em>or</em> ", SH["and"]: " <em>and</em> ", SH.xone: " <em>exactly one of</em> "}[p]
                out.append("(" + joiner.join(self.shape_ref(m, root) for m in Collection(s, o)) + ")")
            elif p == SH["not"]:
                out.append(f"<em>not</em> {self.shape_ref(o, root)}")
            elif p == SH.closed:
                ignored = s.value(shape, SH.ignoredProperties)
                extra = (" (ignoring " + ", ".join(self.link(i, root) for i in Collection(s, ignored)) + ")") if ignored else ""
                out.append("closed: no other properties" + extra if str(o).lower() == "true" else "open")
            elif p == SH.ignoredProperties:
                continue
            elif p == SH.qualifiedValueShape:
                low, high = s.value(shape, SH.qualifiedMinCount), s.value(shape, SH.qualifiedMaxCount)
                bounds = " ".join(x for x in (f"at least {esc(low)}" if low is not None else "",
                                             f"at most {esc(high)}" if high is not None else "") if x)
                out.append(f"{bounds} value(s) conforming to {self.shape_ref(o, root)}")
            elif p in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                continue
            elif p in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                out.append(f"{esc(self.curie(p).split(':')[-1])} {self.link(o, root)}")
            else:
                out.append(f"{self.link(p, root)} {self.expression(o, root, s)}")
        return out

    def shape_ref(self, node, root: str) -> str:
        """A nested shape: a link when it is a named top-level shape, else its constraints inline."""
        if node in self.shape_anchor:
            return self.shape_link(node, root)
        path = self.shapes.value(node, SH.path)
        parts = self.constraints(node, root)
        prefix = f"{self.shape_path(path, root)}: " if path is not None else ""
        return "[" + prefix + "; ".join(parts) + "]" if parts or prefix else self.expression(node, root, self.shapes)

    def property_shape_row(self, prop_shape, root: str, owner=None) -> str:
        s = self.shapes
        name = s.value(prop_shape, SH.name)
        severity = s.value(prop_shape, SH.severity)
        extra = f' <span class="meta">({esc(SEVERITY.get(severity, self.curie(severity)))})</span>' if severity else ""
        sources = sorted(s.objects(prop_shape, DCTERMS.source), key=self.sort_key)
        source_html = ('<br><span class="meta">Sources: ' + ", ".join(self.link(x, root) for x in sources) + "</span>"
                       if sources else "")
        first = f"<td>{self.shape_link(owner, root)}</td>" if owner is not None else ""
        return (f"<tr>{first}<td>{self.shape_path(s.value(prop_shape, SH.path), root)}"
                f"{f' <span class=meta>{esc(name)}</span>' if name else ''}</td>"
                f"<td>{'; '.join(self.constraints(prop_shape, root)) or '—'}{extra}</td>"
                f"<td>{self.texts(prop_shape, SH.message, s)}{source_html}</td></tr>")

    def render_shape(self, shape, root: str, heading: str = "h3", anchor: bool = False) -> str:
        s = self.shapes
        id_attr = f' id="{self.shape_anchor.get(shape, "")}"' if anchor else ""
        parts = [f'<div class="shape"{id_attr}><{heading}>{self.shape_link(shape, root)}'
                 + zh_span(label(s, shape, "zh")) + f"</{heading}>"]
        if isinstance(shape, URIRef) and self.shape_name(shape) != self.curie(shape):
            parts.append(f'<p class="iri"><code>{esc(self.curie(shape))}</code></p>')
        for key in (SH.description, RDFS.comment, SH.message):
            if (shape, key, None) in s:
                parts.append(f"<p>{self.texts(shape, key, s)}</p>")
        facts = []
        for key, name in ((SH.targetClass, "Target class"), (SH.targetNode, "Target node"),
                          (SH.targetSubjectsOf, "Targets subjects of"), (SH.targetObjectsOf, "Targets objects of")):
            values = sorted(s.objects(shape, key))
            if values:
                facts.append(f"<dt>{name}</dt><dd>{', '.join(self.link(v, root, True) for v in values)}</dd>")
        severity = s.value(shape, SH.severity)
        facts.append(f"<dt>Severity</dt><dd>{esc(SEVERITY.get(severity, self.curie(severity)) if severity else 'violation')}</dd>")
        if str(s.value(shape, SH.deactivated) or "").lower() == "true":
            facts.append("<dt>Deactivated</dt><dd>yes</dd>")
        node_constraints = self.constraints(shape, root)
        if (shape, SH.path, None) in s:
            node_constraints.insert(0, f"path {self.shape_path(s.value(shape, SH.path), root)}")
        if node_constraints:
            facts.append(f"<dt>Node constraints</dt><dd>{'; '.join(node_constraints)}</dd>")
        sources = sorted(s.objects(shape, DCTERMS.source), key=self.sort_key)
        if sources:
            facts.append(f"<dt>Sources</dt><dd>{', '.join(self.link(x, root, True) for x in sources)}</dd>")
        parts.append('<dl class="facts">' + "".join(facts) + "</dl>")
        prop_shapes = sorted(s.objects(shape, SH.property),
                             key=lambda n: (float(s.value(n, SH.order) or 0), str(s.value(n, SH.path)), str(n)))
        if prop_shapes:
            parts.append("<table><tr><th>Property path</th><th>Constraints</th><th>Message</th></tr>"
                         + "".join(self.property_shape_row(n, root) for n in prop_shapes) + "</table>")
        for sparql in s.objects(shape, SH.sparql):
            query = s.value(sparql, SH.select) or s.value(sparql, SH.ask) or ""
            parts.append(f"<p>SPARQL constraint: {self.texts(sparql, SH.message, s)}</p><pre>{esc(str(query).strip())}</pre>")
        parts.append("</div>")
        return "\n".join(parts)
