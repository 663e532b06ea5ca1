"""Stable identifiers: released term lists and the check that no released term disappears.

A release keeps the list of every term it published in ``ontology/releases/terms-<version>.txt``
(one IRI per line, sorted). A term of any release stays in the graph forever: it may be
deprecated (``owl:deprecated true`` plus ``dcterms:isReplacedBy`` its replacement, or a
``skos:editorialNote`` saying why there is none) but never deleted.

``enforcekg release`` checks the graph against every released list (exit 1 on problems);
``enforcekg release --write`` snapshots the current terms for the version in ``owl:versionInfo``
of ``ontology/core.ttl``.

A *term* is an IRI in the ``ekg:`` or ``ekgid:`` namespace that has an ``rdf:type``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import EKG, EKGID
from .paths import ONTOLOGY_DIR

RELEASES_DIR = ONTOLOGY_DIR / "releases"
CORE_FILE = ONTOLOGY_DIR / "core.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/enforcekg/def")
VERSION_IRI_BASE = "https://w3id.org/enforcekg/def/"
TERM_LIST = re.compile(r"^terms-(?P<version>[0-9A-Za-z.+-]+)\.txt$")

CHECK_NAME = "released-term-removed-violation"
CHECK_TITLE = "Released terms removed without deprecation"
CHECK_DESCRIPTION = (
    "A term listed in ontology/releases/terms-<version>.txt is no longer declared, or is deprecated "
    "without dcterms:isReplacedBy or skos:editorialNote, or is replaced by an undeclared term."
)


# --- terms -------------------------------------------------------------------------------------

def is_project_iri(node) -> bool:
    """Whether *node* is an IRI in the ``ekg:`` or ``ekgid:`` namespace."""
    return isinstance(node, URIRef) and (str(node).startswith(str(EKG)) or str(node).startswith(str(EKGID)))


def project_terms(graph: Graph) -> set[URIRef]:
    """Every declared term (an ``ekg:``/``ekgid:`` IRI with an ``rdf:type``) of *graph*."""
    return {s for s in graph.subjects(RDF.type, None) if is_project_iri(s)}


def is_deprecated(graph: Graph, term) -> bool:
    return any(
        isinstance(o, Literal) and (o.toPython() is True or str(o).strip().lower() == "true")
        for o in graph.objects(term, OWL.deprecated)
    )


def label(graph: Graph, node, lang: str = "en") -> str | None:
    """The ``rdfs:label`` (else ``skos:prefLabel``) of *node* in *lang*, or None."""
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and (value.language or "").lower().split("-")[0] == lang:
                return str(value)
    if lang == "en":  # a plain literal counts as English
        for value in graph.objects(node, RDFS.label):
            if isinstance(value, Literal) and not value.language:
                return str(value)
    return None


# --- versions and term lists ---------------------------------------------------------------------

def version_key(version: str):
    """Sort key for versions such as ``0.1.0``, ``0.10.0`` and ``1.0.0-rc1``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.+-]", version)]


def ontology_version(core_file: Path = CORE_FILE) -> str:
    """The ``owl:versionInfo`` of the ontology header in *core_file*."""
    graph = Graph().parse(core_file, format="turtle")
    versions = [str(v) for v in graph.objects(ONTOLOGY_IRI, OWL.versionInfo)]
    if len(versions) != 1:
        raise ValueError(f"{core_file}: expected one owl:versionInfo on <{ONTOLOGY_IRI}>, found {len(versions)}")
    return versions[0]


def release_file(version: str, releases_dir: Path = RELEASES_DIR) -> Path:
    return Path(releases_dir) / f"terms-{version}.txt"


def read_term_list(path: Path) -> list[str]:
    """The IRIs of a term list (blank lines and ``#`` comments are ignored)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def released_versions(releases_dir: Path = RELEASES_DIR) -> list[tuple[str, Path]]:
    """``(version, path)`` of every released term list, oldest first."""
    found = []
    for path in Path(releases_dir).glob("terms-*.txt"):
        match = TERM_LIST.match(path.name)
        if match:
            found.append((match.group("version"), path))
    return sorted(found, key=lambda item: version_key(item[0]))


def term_list_text(graph: Graph) -> str:
    return "".join(f"{iri}\n" for iri in sorted(str(t) for t in project_terms(graph)))


def write_term_list(graph: Graph, version: str, releases_dir: Path = RELEASES_DIR) -> Path:
    """Write the sorted term list of *graph* as the list of release *version*."""
    path = release_file(version, releases_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(term_list_text(graph), encoding="utf-8")
    return path


# --- the check -------------------------------------------------------------------------------------

def released_term_problems(graph: Graph, releases_dir: Path = RELEASES_DIR) -> list[dict]:
    """One row per released term that the graph lost or deprecated badly.

    Each row is a dict of strings: ``term``, ``label`` (from the graph, when the term is still
    mentioned), ``release`` (the first version that listed it), ``problem`` and ``fix``.
    """
    first_release: dict[str, str] = {}
    for version, path in released_versions(releases_dir):
        for iri in read_term_list(path):
            first_release.setdefault(iri, version)
    declared = project_terms(graph)
    problems = []
    for iri, version in sorted(first_release.items()):
        term = URIRef(iri)
        row = {"term": iri, "label": label(graph, term) or "", "release": version}
        if term not in declared:
            problems.append({**row, "problem": "removed",
                             "fix": "restore the term, mark it owl:deprecated true and add dcterms:isReplacedBy "
                                    "(or a skos:editorialNote saying why there is no replacement)"})
            continue
        if not is_deprecated(graph, term):
            continue
        replacements = list(graph.objects(term, DCTERMS.isReplacedBy))
        if not replacements and not list(graph.objects(term, SKOS.editorialNote)):
            problems.append({**row, "problem": "deprecated without replacement",
                             "fix": "add dcterms:isReplacedBy or a skos:editorialNote"})
        for replacement in replacements:
            if is_project_iri(replacement) and replacement not in declared:
                problems.append({**row, "problem": f"replaced by undeclared term {replacement}",
                                 "fix": "declare the replacement or correct dcterms:isReplacedBy"})
    return problems


def release_check(graph: Graph, releases_dir: Path = RELEASES_DIR):
    """The released-term check as a :class:`enforcekg.check.CheckResult` (severity ERROR)."""
    from .check import CheckResult
    from .queryfile import QueryFile

    check = QueryFile(
        name=CHECK_NAME,
        path=Path(releases_dir),
        text="",
        header={"title": CHECK_TITLE, "description": CHECK_DESCRIPTION, "severity": "ERROR"},
    )
    return CheckResult(check, released_term_problems(graph, releases_dir))


# --- command line -----------------------------------------------------------------------------------

def add_arguments(parser):
    from .check import add_files_argument  # imported here: enforcekg.check imports this module

    parser.add_argument("--write", action="store_true",
                        help="write ontology/releases/terms-<version>.txt for the owl:versionInfo of core.ttl")
    parser.add_argument("--release-version", metavar="VERSION",
                        help="with --write: the version to snapshot (default: owl:versionInfo of core.ttl)")
    parser.add_argument("--force", action="store_true",
                        help="with --write: overwrite a term list even if the graph lacks some of its terms")
    parser.add_argument("--releases-dir", type=Path, default=RELEASES_DIR, help="where the released term lists live (default: ontology/releases)")
    add_files_argument(parser)


def run(args) -> int:
    from .check import load_graph_or_report

    graph = load_graph_or_report(args.files, "release")
    if graph is None:
        return 2
    if args.write:
        try:
            version = args.release_version or ontology_version()
        except (ValueError, OSError) as exc:
            print(f"enforcekg release: {exc}", file=sys.stderr)
            return 2
        target = release_file(version, args.releases_dir)
        if target.exists() and not args.force:
            lost = sorted(set(read_term_list(target)) - {str(t) for t in project_terms(graph)})
            if lost:
                print(f"enforcekg release: {target} lists {len(lost)} term(s) the graph no longer declares "
                      f"(first: {lost[0]}); deprecate them or use --force", file=sys.stderr)
                return 1
        header = dict(graph.predicate_objects(ONTOLOGY_IRI))
        version_iri = header.get(OWL.versionIRI)
        if version_iri is not None and str(version_iri) != VERSION_IRI_BASE + version:
            print(f"warning: owl:versionIRI is {version_iri}, expected {VERSION_IRI_BASE}{version}", file=sys.stderr)
        path = write_term_list(graph, version, args.releases_dir)
        print(f"wrote {len(read_term_list(path))} terms to {path}")
        return 0
    problems = released_term_problems(graph, args.releases_dir)
    versions = [v for v, _ in released_versions(args.releases_dir)]
    if not versions:
        print(f"no released term lists in {args.releases_dir}")
        return 0
    for row in problems:
        name = f" ({row['label']})" if row["label"] else ""
        print(f"[ERROR] {row['term']}{name} of release {row['release']}: {row['problem']} — {row['fix']}")
    print(f"released versions {', '.join(versions)}: {len(problems)} problem(s)")
    return 1 if problems else 0
