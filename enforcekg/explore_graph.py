"""A term's neighbourhood: the terms linked to it as a small graph, drawn as an SVG whose nodes
carry ``data-term`` (a CURIE) for click-through."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from .explore import Named, is_project_term
from .explore_term import TermPage

# links not drawn in the neighbourhood graph (shown in the lists instead)
GRAPH_SKIP = {RDF.type, DCTERMS.source, OWL.sameAs, RDFS.isDefinedBy}


@dataclass
class Node(Named):
    term: URIRef
    labels: dict
    role: str  # center, out, in, both


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
