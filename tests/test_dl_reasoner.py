"""The independent OWL 2 DL check (HermiT via owlready2): consistent, no unsatisfiable class."""

import argparse
from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF

from enforcekg import dl_reasoner
from enforcekg.load import load_files
from enforcekg.namespaces import EKG, EKGID

FIXTURES = Path(__file__).parent / "fixtures" / "dl"
needs_java = pytest.mark.skipif(dl_reasoner.java_executable() is None,
                                reason="no Java runtime for HermiT (" + dl_reasoner.JAVA_HINT + ")")


@needs_java
def test_shipped_graph_is_consistent_and_coherent(shipped_graph):
    result = dl_reasoner.hermit_check(shipped_graph)
    assert result.status == "consistent", result.message
    assert result.unsatisfiable == []
    assert result.ok and result.classes > 0


@needs_java
def test_unsatisfiable_class_is_detected():
    result = dl_reasoner.hermit_check(load_files([FIXTURES / "unsatisfiable.ttl"]))
    assert result.status == "consistent"
    assert result.unsatisfiable == [str(EKG.ImpossibleOrder), str(EKG.ImpossibleRuling)]
    assert not result.ok
    assert str(dl_reasoner.XSD.duration) in result.ignored_datatypes


@needs_java
def test_inconsistent_graph_is_reported_with_the_classes_behind_it():
    result = dl_reasoner.hermit_check(load_files([FIXTURES / "inconsistent.ttl"]))
    assert result.status == "inconsistent"
    assert result.unsatisfiable == [str(EKG.ImpossibleOrder), str(EKG.ImpossibleRuling)]


@needs_java
def test_reason_dl_command_exit_codes(capsys):
    parser = argparse.ArgumentParser()
    dl_reasoner.add_arguments(parser)
    assert dl_reasoner.run(parser.parse_args([str(FIXTURES / "unsatisfiable.ttl")])) == 1
    assert "ImpossibleRuling" in capsys.readouterr().out
    assert dl_reasoner.run(parser.parse_args(["--tbox-only"])) == 0
    assert "HermiT: consistent" in capsys.readouterr().out


def test_missing_java_is_a_clear_skip(monkeypatch, capsys):
    monkeypatch.setattr(dl_reasoner, "java_executable", lambda: None)
    result = dl_reasoner.hermit_check(load_files([FIXTURES / "unsatisfiable.ttl"]))
    assert result.skipped and "no Java runtime" in result.message
    parser = argparse.ArgumentParser()
    dl_reasoner.add_arguments(parser)
    assert dl_reasoner.run(parser.parse_args([str(FIXTURES / "unsatisfiable.ttl")])) == 0
    assert "skipped: no Java runtime" in capsys.readouterr().err
    assert dl_reasoner.run(parser.parse_args(["--require-java", str(FIXTURES / "unsatisfiable.ttl")])) == 2


def test_tbox_keeps_axioms_and_drops_individuals():
    graph = load_files([FIXTURES / "inconsistent.ttl"])
    schema = dl_reasoner.tbox(graph)
    assert (EKG.ImpossibleRuling, RDF.type, OWL.Class) in schema
    assert (EKG.ForeignRuling, OWL.disjointWith, EKG.DomesticRuling) in schema
    assert not list(schema.triples((EKGID["ruling-1"], None, None)))


@needs_java
@pytest.mark.parametrize("fixture", ["unsatisfiable", "inconsistent"])
def test_owlready2_route_agrees(fixture):
    graph = load_files([FIXTURES / f"{fixture}.ttl"])
    by_cli = dl_reasoner.hermit_check(graph, engine="cli")
    by_owlready2 = dl_reasoner.hermit_check(graph, engine="owlready2")
    assert (by_cli.status, by_cli.unsatisfiable) == (by_owlready2.status, by_owlready2.unsatisfiable)
