"""The ``ekg:`` classes as a tree of direct subclasses, with member counts, and that tree as HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from .explore import Named, record_labels, run_app_query
from .store import QueryEngine, compact


@dataclass
class ClassNode(Named):
    term: URIRef
    labels: dict
    members: int = 0
    children: list = field(default_factory=list)
    external_parents: list = field(default_factory=list)

    def size(self) -> int:
        """The number of classes in this subtree, itself included."""
        return 1 + sum(child.size() for child in self.children)


def class_hierarchy(engine: QueryEngine, lang: str = "en") -> list[ClassNode]:
    """The ``ekg:`` classes as a forest of direct subclasses, roots first, sorted by label.

    A class's direct parents are its superclasses with no other superclass in between; classes
    that are each other's subclass (equivalent) are not treated as between. A class whose only
    superclasses lie outside ``ekg:`` is a root and remembers them in ``external_parents``.
    """
    result = run_app_query(engine, "class-hierarchy")
    nodes: dict = {}
    parents: dict = {}
    for record in result.records():
        cls = record["class"]
        node = nodes.get(cls)
        if node is None:
            node = nodes[cls] = ClassNode(cls, record_labels(record), int(record.get("members", 0)))
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
