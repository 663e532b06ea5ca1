"""Free queries (`enforcekg sparql`): read-only, prefixes preloaded, timeout, row cap, formats."""

import csv
import io
import json
import time

import pytest
from rdflib import Graph, Literal, URIRef

from enforcekg import cli
from enforcekg.load import load_knowledge_graph
from enforcekg.namespaces import EKGID
from enforcekg.sparql import read_query_argument, run_free_query
from enforcekg.store import (DEFAULT_LIMIT, LocalEngine, QueryError, QuerySyntaxError, QueryTimeout, UpdateRefused,
                             check_read_only, default_engine, render)

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

UPDATES = {
    "INSERT DATA": "INSERT DATA { ekgid:x rdfs:label 'x' }",
    "DELETE DATA": "DELETE DATA { ekgid:guide rdf:type ekg:PracticeGuide }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "DELETE/INSERT": "DELETE { ?s rdfs:label ?l } INSERT { ?s rdfs:label 'hacked' } WHERE { ?s rdfs:label ?l }",
    "LOAD": "LOAD <http://example.org/evil.ttl>",
    "CLEAR": "CLEAR ALL",
    "DROP": "DROP ALL",
    "CREATE": "CREATE GRAPH <http://example.org/g>",
    "ADD": "ADD DEFAULT TO <http://example.org/g>",
    "MOVE": "MOVE DEFAULT TO <http://example.org/g>",
    "COPY": "COPY DEFAULT TO <http://example.org/g>",
}


@pytest.fixture(scope="module")
def engine():
    return default_engine()


def test_project_prefixes_are_preloaded(engine):
    result = run_free_query("SELECT ?label WHERE { ekgid:guide a ekg:PracticeGuide ; rdfs:label ?label }", engine=engine)
    assert {str(row[0]) for row in result.rows} >= {"Chambers Global Practice Guide: Enforcement of Judgments 2025 – China"}


def test_queries_see_inferences(engine):
    """The OWL RL closure is loaded: a section is an inferred prov:Entity via ekg:GuideSection."""
    assert engine.ask("ASK { ekgid:guide-s3-6 a prov:Entity }")


@pytest.mark.parametrize("operation", sorted(UPDATES))
def test_every_update_is_refused_and_the_graph_is_unchanged(operation, engine, capsys):
    before_store = len(engine.store)
    before_graph = len(load_knowledge_graph(copy=False))
    with pytest.raises(UpdateRefused, match=f"SPARQL Update \\({operation}\\)"):
        run_free_query(UPDATES[operation], engine=engine)
    assert cli.main(["sparql", UPDATES[operation]]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "read-only" in err
    assert len(engine.store) == before_store
    assert len(load_knowledge_graph(copy=False)) == before_graph
    assert engine.ask("ASK { ekgid:guide a ekg:PracticeGuide }")


def test_update_keywords_inside_strings_and_comments_are_fine(engine):
    text = 'SELECT ?x WHERE { BIND("DROP ALL ; INSERT DATA { <a> <b> <c> }" AS ?x) } # CLEAR ALL'
    check_read_only(text)
    result = run_free_query(text, engine=engine)
    assert str(result.rows[0][0]) == "DROP ALL ; INSERT DATA { <a> <b> <c> }"


def test_an_update_cannot_run_even_without_the_parse_check(engine):
    """Defence in depth: the store's query entry point cannot execute updates at all."""
    before = len(engine.store)
    with pytest.raises(QueryError):
        engine.query("DROP ALL", timeout=5)
    with pytest.raises(QueryError):
        engine.query("INSERT DATA { ekgid:x ekgid:y ekgid:z }", timeout=None)
    assert len(engine.store) == before


def test_service_is_refused(engine):
    with pytest.raises(UpdateRefused, match="SERVICE"):
        run_free_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", engine=engine)


def test_syntax_error_is_reported(engine, capsys):
    with pytest.raises(QuerySyntaxError, match="not a valid SPARQL query"):
        run_free_query("SELECT * WHERE { ?s ?p }", engine=engine)
    assert cli.main(["sparql", "SELECT * WHERE { ?s ?p }"]) == 2
    assert "not a valid SPARQL query" in capsys.readouterr().err


def test_slow_query_is_stopped_and_the_engine_recovers(engine, capsys):
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        engine.query(SLOW_QUERY, timeout=1)
    assert time.perf_counter() - started < 10
    # the worker was restarted: the next query answers normally
    assert engine.ask("ASK { ekgid:guide a ekg:PracticeGuide }", timeout=5)
    started = time.perf_counter()
    assert cli.main(["sparql", SLOW_QUERY, "--timeout", "1"]) == 2
    assert "stopped" in capsys.readouterr().err
    assert time.perf_counter() - started < 10


def test_row_cap_default_and_explicit(engine, capsys):
    big = "SELECT ?s ?p ?o ?section WHERE { ?s ?p ?o . ?section a ekg:GuideSection }"  # > 20 x the triples
    result = run_free_query(big, engine=engine)
    assert result.truncated and len(result.rows) == DEFAULT_LIMIT
    assert cli.main(["sparql", big, "--limit", "5", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert len(list(csv.reader(io.StringIO(captured.out)))) == 6  # header + 5
    assert "first 5 rows" in captured.err
    small = run_free_query("SELECT ?s WHERE { ?s a ekg:GuideSection }", engine=engine, limit=1000)
    assert not small.truncated


def test_no_cap_with_limit_zero(capsys):
    assert cli.main(["sparql", "SELECT ?s WHERE { ?s a ekg:GuideSection }", "--limit", "0", "--format", "tsv"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("?s\n<https://w3id.org/enforcekg/id/guide-")


def test_formats_follow_the_sparql_result_formats(capsys):
    query = "SELECT ?label WHERE { ekgid:region-hk rdfs:label ?label } ORDER BY ?label"
    assert cli.main(["sparql", query, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["head"]["vars"] == ["label"]
    assert {"type": "literal", "value": "香港特别行政区", "xml:lang": "zh"} in [b["label"] for b in data["results"]["bindings"]]
    assert cli.main(["sparql", query, "--format", "tsv"]) == 0
    assert '"香港特别行政区"@zh' in capsys.readouterr().out
    assert cli.main(["sparql", query]) == 0
    out = capsys.readouterr().out
    assert "Hong Kong Special Administrative Region" in out and "(2 rows)" in out


def test_ask_and_construct(capsys):
    assert cli.main(["sparql", "ASK { ekgid:region-hk a ekg:Region }"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert cli.main(["sparql", "ASK { ekgid:region-hk a ekg:Region }", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"head": {}, "boolean": True}
    assert cli.main(["sparql", "CONSTRUCT { ekgid:region-hk rdfs:label ?l } WHERE { ekgid:region-hk rdfs:label ?l }"]) == 0
    turtle = capsys.readouterr().out
    graph = Graph().parse(data=turtle, format="turtle")
    assert (EKGID["region-hk"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("香港特别行政区", lang="zh")) in graph


def test_query_from_file_and_stdin(tmp_path, monkeypatch, capsys):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?s WHERE { ?s a ekg:GuideSection } ORDER BY ?s LIMIT 1", encoding="utf-8")
    assert read_query_argument(str(path)).startswith("SELECT")
    assert cli.main(["sparql", str(path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "https://w3id.org/enforcekg/id/guide-s1-1"
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ekgid:guide ?p ?o }"))
    assert cli.main(["sparql", "-"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert cli.main(["sparql", str(tmp_path / "missing.rq")]) == 2
    assert "no such query file" in capsys.readouterr().err


def test_case_files_are_queried_with_the_graph(tmp_path, capsys):
    case = tmp_path / "case.ttl"
    case.write_text(
        "@prefix ekgid: <https://w3id.org/enforcekg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ekgid:test-matter-1 a ekgid:TestThing ; rdfs:label \"test matter\"@en .\n",
        encoding="utf-8",
    )
    assert cli.main(["sparql", "SELECT ?l WHERE { ekgid:test-matter-1 rdfs:label ?l }", "--data", str(case), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "test matter"
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert cli.main(["sparql", "ASK { ?s ?p ?o }", "--data", str(bad)]) == 2
    assert "bad.ttl" in capsys.readouterr().err


def test_engine_over_an_explicit_graph_has_no_inferences():
    graph = Graph()
    graph.add((EKGID["a"], URIRef("http://example.org/p"), Literal(1)))
    engine = LocalEngine(graph=graph)
    variables, rows = engine.select("SELECT ?s ?o WHERE { ?s ?p ?o }", timeout=None)
    assert variables == ["s", "o"] and rows == [(EKGID["a"], Literal(1))]
    assert render(engine.select("SELECT ?s WHERE { ?s ?p ?o }"), "csv") == "s\r\nhttps://w3id.org/enforcekg/id/a\r\n"
    engine.close()
