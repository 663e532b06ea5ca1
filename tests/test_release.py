"""Stable identifiers: a released term never disappears without a deprecation."""

import argparse
import shutil
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from enforcekg import release
from enforcekg.load import load_files
from enforcekg.namespaces import EKG, EKGID

FIXTURES = Path(__file__).parent / "fixtures"

OLD = FIXTURES / "diff" / "old.ttl"
NEW = FIXTURES / "diff" / "new.ttl"
RELEASES = FIXTURES / "release"  # terms-0.1.0.txt lists the terms of OLD


def run_release(*argv):
    parser = argparse.ArgumentParser()
    release.add_arguments(parser)
    return release.run(parser.parse_args([str(a) for a in argv]))


def test_term_list_is_the_sorted_declared_terms():
    graph = load_files([OLD])
    listed = release.read_term_list(RELEASES / "terms-0.1.0.txt")
    assert listed == sorted(listed)
    assert listed == sorted(str(t) for t in release.project_terms(graph))
    assert str(EKGID["measure-auction"]) in listed


def test_deleted_term_fails_the_check():
    problems = release.released_term_problems(load_files([NEW]), RELEASES)
    assert [(p["term"], p["problem"], p["release"]) for p in problems] == [
        (str(EKGID["measure-auction"]), "removed", "0.1.0")
    ]
    assert "owl:deprecated" in problems[0]["fix"]


def test_the_released_version_itself_passes():
    assert release.released_term_problems(load_files([OLD]), RELEASES) == []


def test_deprecation_needs_a_replacement_or_a_note():
    graph = load_files([OLD])
    term = EKGID["measure-auction"]
    graph.add((term, OWL.deprecated, Literal(True)))
    assert [p["problem"] for p in release.released_term_problems(graph, RELEASES)] == ["deprecated without replacement"]
    graph.add((term, SKOS.editorialNote, Literal("The guide no longer mentions auctions on their own.", lang="en")))
    assert release.released_term_problems(graph, RELEASES) == []
    graph.add((term, DCTERMS.isReplacedBy, EKGID["measure-judicial-auction"]))
    assert [p["problem"] for p in release.released_term_problems(graph, RELEASES)] == [
        f"replaced by undeclared term {EKGID['measure-judicial-auction']}"
    ]


def test_release_check_plugs_into_the_qa_results():
    result = release.release_check(load_files([NEW]), RELEASES)
    assert result.failed and result.severity == "ERROR"
    assert result.check.name == "released-term-removed-violation"
    assert all(isinstance(v, str) for row in result.rows for v in row.values())


def test_release_command(tmp_path, capsys):
    assert run_release("--releases-dir", RELEASES, NEW) == 1
    assert "measure-auction" in capsys.readouterr().out
    assert run_release("--releases-dir", RELEASES, OLD) == 0
    assert run_release("--releases-dir", tmp_path, "--write", "--release-version", "9.9.9", OLD) == 0
    written = tmp_path / "terms-9.9.9.txt"
    assert written.read_text() == (RELEASES / "terms-0.1.0.txt").read_text()
    # rewriting a released list from a graph that lost one of its terms is refused
    assert run_release("--releases-dir", tmp_path, "--write", "--release-version", "9.9.9", NEW) == 1
    assert "measure-auction" in written.read_text()
    assert run_release("--releases-dir", tmp_path, "--write", "--release-version", "9.9.9", "--force", NEW) == 0


def test_every_release_is_checked_oldest_first(tmp_path):
    shutil.copy(RELEASES / "terms-0.1.0.txt", tmp_path / "terms-0.1.0.txt")
    (tmp_path / "terms-0.10.0.txt").write_text(f"{EKG.Restriction}\n{EKG.LaterTerm}\n")
    (tmp_path / "terms-0.2.0.txt").write_text(f"{EKG.LaterTerm}\n")
    assert [v for v, _ in release.released_versions(tmp_path)] == ["0.1.0", "0.2.0", "0.10.0"]
    problems = release.released_term_problems(load_files([NEW]), tmp_path)
    assert {(p["term"], p["release"]) for p in problems} == {
        (str(EKGID["measure-auction"]), "0.1.0"), (str(EKG.LaterTerm), "0.2.0")
    }


def test_ontology_header_carries_the_version():
    version = release.ontology_version()
    graph = load_files([release.CORE_FILE])
    assert (release.ONTOLOGY_IRI, OWL.versionIRI, URIRef(release.VERSION_IRI_BASE + version)) in graph
    assert (release.ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph


def test_shipped_graph_keeps_every_released_term(shipped_graph):
    assert release.released_term_problems(shipped_graph) == []
