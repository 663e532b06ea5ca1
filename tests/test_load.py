"""The shipped graph loads, and unreadable files are reported with file and line."""

import pytest
from rdflib import Graph

from enforcekg.load import GraphLoadError, load_files, source_files
from enforcekg.namespaces import EKG


def test_every_source_file_parses_on_its_own():
    for path in source_files():
        assert len(Graph().parse(path, format="turtle")) > 0, path


def test_shipped_graph_holds_the_ontology_and_knowledge_base(shipped_graph):
    from rdflib.namespace import OWL, RDF

    classes = set(shipped_graph.subjects(RDF.type, OWL.Class))
    assert EKG.LegalInstrument in classes
    assert len(classes) > 100
    assert len(shipped_graph) > 5000


def test_bad_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(GraphLoadError) as info:
        load_files([bad])
    assert info.value.path == bad
    assert info.value.line == 3
    assert str(bad) in str(info.value)


def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(GraphLoadError, match="empty"):
        load_files([empty])


def test_non_utf8_file_is_refused(tmp_path):
    latin = tmp_path / "latin.ttl"
    latin.write_bytes('<http://e/a> <http://e/b> "caf\xe9" .\n'.encode("latin-1"))
    with pytest.raises(GraphLoadError, match="UTF-8"):
        load_files([latin])
