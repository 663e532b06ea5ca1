"""Report, in Markdown, the terms changed between two versions of the graph.

OLD and NEW are each a Turtle file, a directory, or ``git:REV``:

* a directory laid out like the project (with ``ontology/`` or ``data/``) is read as the shipped
  graph is (``ontology/*.ttl``, ``data/*.ttl``, ``data/generated/*.ttl``); any other directory
  contributes the ``*.ttl`` files directly in it;
* ``git:REV`` reads those same files as they were at revision REV (``git show``), so
  ``enforcekg diff git:HEAD .`` reviews the uncommitted change.

The report lists terms (``ekg:``/``ekgid:`` IRIs with an ``rdf:type``) added, removed,
deprecated and changed; changes are grouped into labels, definitions, sources, axioms (types,
subclass, domain, range …), notes and other statements, and every term is shown by its English
and Chinese labels as well as its IRI.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .load import GraphLoadError, load_files
from .namespaces import bind_prefixes
from .paths import ROOT
from .release import ONTOLOGY_IRI, is_deprecated, is_project_iri, label, project_terms

ASPECTS = {
    "labels": (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel),
    "definitions": (SKOS.definition, RDFS.comment, DCTERMS.description),
    "sources": (DCTERMS.source,),
    "axioms": (
        RDF.type, RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.unionOf, OWL.intersectionOf,
        OWL.oneOf, RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom,
        RDFS.domain, RDFS.range, OWL.hasKey, OWL.sameAs, OWL.differentFrom,
    ),
    "deprecation": (OWL.deprecated, DCTERMS.isReplacedBy),
    "version": (OWL.versionInfo, OWL.versionIRI, OWL.priorVersion, OWL.backwardCompatibleWith,
                OWL.incompatibleWith),
    "notes": (SKOS.scopeNote, SKOS.editorialNote, SKOS.example, SKOS.historyNote, SKOS.changeNote, SKOS.note),
}
ASPECT_OF = {prop: aspect for aspect, props in ASPECTS.items() for prop in props}
ASPECT_ORDER = list(ASPECTS) + ["other statements"]
ONTOLOGY_FILES = ("ontology/*.ttl", "data/*.ttl", "data/generated/*.ttl")


class VersionError(ValueError):
    """OLD or NEW could not be read."""


# --- loading -----------------------------------------------------------------------------------------

def _project_layout_files(directory: Path) -> list[Path]:
    return [path for pattern in ONTOLOGY_FILES for path in sorted(directory.glob(pattern))]


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout
    except FileNotFoundError as exc:
        raise VersionError("git is not installed") from exc
    except subprocess.CalledProcessError as exc:
        raise VersionError(f"git {' '.join(args)}: {exc.stderr.decode(errors='replace').strip()}") from exc


def load_git_revision(rev: str, repo: Path = ROOT) -> Graph:
    """The graph as committed at *rev* in *repo*."""
    names = _git(repo, "ls-tree", "-r", "--name-only", rev, "--", "ontology", "data").decode().splitlines()
    wanted = [n for n in names if any(Path(n).match(pattern) and n.count("/") == pattern.count("/")
                                      for pattern in ONTOLOGY_FILES)]
    graph = bind_prefixes(Graph())
    for name in sorted(wanted):
        text = _git(repo, "show", f"{rev}:{name}").decode("utf-8")
        try:
            graph.parse(data=text, format="turtle", publicID=f"git:{rev}:{name}")
        except Exception as exc:
            raise VersionError(f"git:{rev}:{name}: invalid turtle: {exc}") from exc
    return graph


def load_version(spec: str, repo: Path = ROOT) -> Graph:
    """The graph named by *spec*: a Turtle file, a directory, or ``git:REV``."""
    if spec.startswith("git:"):
        return load_git_revision(spec[4:] or "HEAD", repo)
    path = Path(spec)
    if path.is_dir():
        files = (_project_layout_files(path) if (path / "ontology").is_dir() or (path / "data").is_dir()
                 else sorted(path.glob("*.ttl")))
        if not files:
            raise VersionError(f"{path}: no Turtle files found")
    elif path.is_file():
        files = [path]
    else:
        raise VersionError(f"{spec}: no such file or directory (use git:REV for a revision)")
    try:
        return load_files(files)
    except GraphLoadError as exc:
        raise VersionError(str(exc)) from exc


# --- comparing -----------------------------------------------------------------------------------------

def node_key(graph: Graph, node, _seen=frozenset()) -> str:
    """A canonical text for *node*: N3 for IRIs and literals, a sorted nested form for blank nodes."""
    if not isinstance(node, BNode):
        return node.n3(graph.namespace_manager)
    if node in _seen:
        return "[…]"
    seen = _seen | {node}
    if (node, RDF.first, None) in graph:
        return "( " + " ".join(node_key(graph, item, seen) for item in Collection(graph, node)) + " )"
    parts = sorted(
        f"{p.n3(graph.namespace_manager)} {node_key(graph, o, seen)}" for p, o in graph.predicate_objects(node)
    )
    return "[ " + " ; ".join(parts) + " ]"


def statements(graph: Graph, subject) -> dict[str, tuple]:
    """The statements about *subject*, keyed by canonical ``predicate value`` text."""
    return {
        f"{p.n3(graph.namespace_manager)} {node_key(graph, o)}": (p, o)
        for p, o in graph.predicate_objects(subject)
    }


@dataclass
class TermChange:
    term: URIRef
    removed: list[tuple] = field(default_factory=list)  # (predicate, object) in OLD only
    added: list[tuple] = field(default_factory=list)  # (predicate, object) in NEW only

    def by_aspect(self) -> dict[str, dict[str, list]]:
        groups: dict[str, dict[str, list]] = {}
        for side, pairs in (("removed", self.removed), ("added", self.added)):
            for p, o in pairs:
                aspect = ASPECT_OF.get(p, "other statements")
                groups.setdefault(aspect, {"removed": [], "added": []})[side].append((p, o))
        return {aspect: groups[aspect] for aspect in ASPECT_ORDER if aspect in groups}


@dataclass
class GraphDiff:
    old: Graph
    new: Graph
    added: list[URIRef]
    removed: list[URIRef]
    deprecated: list[TermChange]
    changed: list[TermChange]
    header: TermChange | None

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.deprecated or self.changed or self.header)


def term_change(old: Graph, new: Graph, term) -> TermChange | None:
    before, after = statements(old, term), statements(new, term)
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    return TermChange(term, removed, added) if removed or added else None


def diff_graphs(old: Graph, new: Graph) -> GraphDiff:
    """Compare two graphs term by term."""
    old_terms, new_terms = project_terms(old), project_terms(new)
    added = sorted(new_terms - old_terms)
    removed = sorted(old_terms - new_terms)
    deprecated, changed = [], []
    for term in sorted(old_terms & new_terms):
        change = term_change(old, new, term)
        if change is None:
            continue
        if is_deprecated(new, term) and not is_deprecated(old, term):
            deprecated.append(change)
        else:
            changed.append(change)
    return GraphDiff(old, new, added, removed, deprecated, changed, term_change(old, new, ONTOLOGY_IRI))


# --- Markdown ------------------------------------------------------------------------------------------

def _curie(graph: Graph, node) -> str:
    try:
        return graph.namespace_manager.curie(node, generate=False)
    except (ValueError, KeyError, TypeError):
        return f"<{node}>"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def term_title(graph: Graph, term, *fallbacks: Graph) -> str:
    """``**English** · 中文 (`ekg:Term`)``, labels taken from the first graph that has them."""
    en = zh = None
    for g in (graph, *fallbacks):
        en = en or label(g, term, "en")
        zh = zh or label(g, term, "zh")
    names = " · ".join(n for n in (en, zh) if n)
    code = f"`{_curie(graph, term)}`"
    return f"**{_one_line(names)}** ({code})" if names else code


def value_text(diff: GraphDiff, graph: Graph, node) -> str:
    """A value as Markdown: a labelled IRI, a quoted literal or a nested blank node."""
    if isinstance(node, Literal):
        text = _one_line(node)
        suffix = f"@{node.language}" if node.language else (f"^^{_curie(graph, node.datatype)}" if node.datatype else "")
        return f"\"{text}\"{suffix}"
    if isinstance(node, BNode):
        return f"`{node_key(graph, node)}`"
    name = label(graph, node) or label(diff.new, node) or label(diff.old, node)
    code = f"`{_curie(graph, node)}`"
    return f"{_one_line(name)} ({code})" if name and is_project_iri(node) else code


def _kind(graph: Graph, term) -> str:
    types = set(graph.objects(term, RDF.type))
    parents = [p for p in graph.objects(term, RDFS.subClassOf) if isinstance(p, URIRef)]
    if OWL.Class in types or RDFS.Class in types:
        return "class" + (f" under {', '.join(value_text_plain(graph, p) for p in sorted(parents))}" if parents else "")
    for kind, name in ((OWL.ObjectProperty, "object property"), (OWL.DatatypeProperty, "datatype property"),
                       (OWL.AnnotationProperty, "annotation property"), (RDF.Property, "property")):
        if kind in types:
            return name
    classes = sorted(t for t in types if t != OWL.NamedIndividual)
    return "individual" + (f" of {', '.join(value_text_plain(graph, c) for c in classes)}" if classes else "")


def value_text_plain(graph: Graph, node) -> str:
    name = label(graph, node)
    return f"{name} (`{_curie(graph, node)}`)" if name and is_project_iri(node) else f"`{_curie(graph, node)}`"


def _change_lines(diff: GraphDiff, change: TermChange, indent: str = "") -> list[str]:
    lines = []
    for aspect, sides in change.by_aspect().items():
        lines.append(f"{indent}- {aspect}:")
        for sign, side, graph in (("−", "removed", diff.old), ("+", "added", diff.new)):
            for p, o in sides[side]:
                lines.append(f"{indent}  - {sign} `{_curie(graph, p)}` {value_text(diff, graph, o)}")
    return lines


def render_markdown(diff: GraphDiff, old_name: str = "OLD", new_name: str = "NEW") -> str:
    old, new = diff.old, diff.new
    lines = [f"# Changes from {old_name} to {new_name}", ""]
    lines.append(
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.deprecated)} deprecated, "
        f"{len(diff.changed)} changed ({len(project_terms(old))} → {len(project_terms(new))} terms)."
    )
    if diff.empty:
        lines += ["", "No term changed."]
    if diff.header:
        lines += ["", "## Ontology header", ""] + _change_lines(diff, diff.header)

    if diff.added:
        lines += ["", f"## Added ({len(diff.added)})", ""]
        for term in diff.added:
            lines.append(f"- {term_title(new, term)} — {_kind(new, term)}")

    if diff.removed:
        new_labels = {}
        for term in diff.added:
            for lang in ("en", "zh"):
                if label(new, term, lang):
                    new_labels[label(new, term, lang)] = term
        lines += ["", f"## Removed ({len(diff.removed)})", "",
                  "A term is never deleted: keep it with `owl:deprecated true` and `dcterms:isReplacedBy`.", ""]
        for term in diff.removed:
            line = f"- {term_title(old, term)} — was {_kind(old, term)}"
            twins = {new_labels[n] for lang in ("en", "zh") if (n := label(old, term, lang)) in new_labels}
            if twins:
                line += "; renamed to " + ", ".join(term_title(new, t) for t in sorted(twins)) + "?"
            lines.append(line)

    if diff.deprecated:
        lines += ["", f"## Deprecated ({len(diff.deprecated)})", ""]
        for change in diff.deprecated:
            term = change.term
            replacements = [value_text(diff, new, r) for r in sorted(new.objects(term, DCTERMS.isReplacedBy))]
            notes = [value_text(diff, new, n) for n in new.objects(term, SKOS.editorialNote)]
            detail = ("replaced by " + ", ".join(replacements)) if replacements else (
                "no replacement: " + "; ".join(notes) if notes else "no replacement or note given")
            lines.append(f"- {term_title(new, term, old)} — {detail}")
            lines += _change_lines(diff, change, "  ")

    if diff.changed:
        lines += ["", f"## Changed ({len(diff.changed)})"]
        for change in diff.changed:
            lines += ["", f"### {term_title(new, change.term, old)}", ""] + _change_lines(diff, change)
    return "\n".join(lines) + "\n"


# --- command line ----------------------------------------------------------------------------------------

def add_arguments(parser):
    parser.add_argument("old", metavar="OLD", help="a Turtle file, a directory, or git:REV")
    parser.add_argument("new", metavar="NEW", help="a Turtle file, a directory, or git:REV")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown report here instead of stdout")


def run(args) -> int:
    try:
        old, new = load_version(args.old), load_version(args.new)
    except (VersionError, OSError) as exc:
        print(f"enforcekg diff: {exc}", file=sys.stderr)
        return 2
    report = render_markdown(diff_graphs(old, new), args.old, args.new)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    return 0
