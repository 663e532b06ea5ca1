"""The SPARQL server path: a real Oxigraph server on 127.0.0.1 gives the same answers as the embedded engine.

The graph and case files are published with ``enforcekg publish`` (Graph Store protocol), then
every saved query, every app query, free queries and the command line run against the server
through :class:`enforcekg.remote.RemoteEngine` (SPARQLWrapper) and are compared with the
embedded engine. Failures — nothing listening, HTTP 5xx, 401/403, a server too slow for the
timeout, a web page instead of results — must give clear :class:`EndpointError` messages.
"""

from __future__ import annotations

import re
import time

import pytest
from rdflib import BNode, Literal, URIRef

from enforcekg import cli
from enforcekg.dataset import build
from enforcekg.engine import QueryError, QuerySyntaxError, QueryTimeout, UpdateRefused
from enforcekg.paths import EXAMPLES_DIR, QUERIES_DIR
from enforcekg.publish import publish
from enforcekg.query import SavedQuery, parameter_specs_from_header, run_saved_query, saved_queries
from enforcekg.queryfile import read_query_file
from enforcekg.remote import (EndpointAuthError, EndpointError, EndpointServerError, EndpointTimeout,
                              EndpointUnavailable, QueryShape, RemoteEngine, prepare_query)
from enforcekg.store import LocalEngine, engine_from_config

from oxigraph_server import free_port

pytestmark = pytest.mark.server

CASES = """\
@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix case: <https://w3id.org/enforcekg/case/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

case:r1 a ekg:Matter ; ekg:matterId "R-001" ; ekg:asOfDate "2025-06-01"^^xsd:date ;
    ekg:applicant case:r1-creditor ; ekg:debtor case:r1-debtor ;
    ekg:concernsInstrument case:r1-judgment ; ekg:hasApplication case:r1-app ;
    ekg:knownAsset [ a ekg:Asset ; ekg:assetClass ekgid:asset-real-estate ; ekg:assetLocation "Shenzhen" ] .
case:r1-creditor a ekg:Company ; schema:name "Alpha \\"Quoted\\" Shipping Ltd" .
case:r1-debtor a ekg:Company ; rdfs:label "Beta Logistics 有限公司"@zh ; ekg:hasConduct case:r1-conduct .
case:r1-conduct a ekg:WaiverOfClaims ; ekg:conductDate "2025-01-10"^^xsd:date ; ekg:discoveryDate "2025-02-01"^^xsd:date .
case:r1-judgment a ekg:ForeignJudgment ; ekg:countryOfOrigin ekgid:country-gb ;
    ekg:dateEffective "2024-03-20"^^xsd:date ; ekg:amountAwarded "1000.50"^^xsd:decimal .
case:r1-app a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-beijing-4th-intermediate ;
    ekg:filingDate "2025-05-10"^^xsd:date ; ekg:claimedBasis ekgid:basis-reciprocity-judgments .

case:r2 a ekg:Matter ; ekg:matterId "R-002" ;
    ekg:applicant case:r1-creditor ; ekg:debtor case:r2-debtor ;
    ekg:concernsInstrument case:r2-order ; ekg:hasApplication case:r2-app .
case:r2-debtor a ekg:NaturalPerson ; rdfs:label "Li Ming" .
case:r2-order a ekg:PaymentOrder ; ekg:instrumentServiceDate "2025-05-20"^^xsd:date ; ekg:dateEffective "2025-06-05"^^xsd:date .
case:r2-app a ekg:EnforcementApplication ; ekg:filedWith ekgid:court-shenzhen-intermediate ;
    ekg:filingDate "2025-06-20"^^xsd:date .
"""


@pytest.fixture(scope="module")
def case_files(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "remote-cases.ttl"
    path.write_text(CASES, encoding="utf-8")
    return [str(path)] + sorted(str(p) for p in EXAMPLES_DIR.glob("*.ttl"))


@pytest.fixture(scope="module")
def remote(server, case_files):
    engine = RemoteEngine(server.query_url, timeout=60)
    publish(engine, build(case_files))
    return engine


@pytest.fixture(scope="module")
def local(case_files):
    engine = LocalEngine(case_files)
    yield engine
    engine.close()


def _cell(term):
    """A comparable form of a cell: blank nodes alike; GROUP_CONCAT lists (unordered in SPARQL) sorted."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, Literal) and term.datatype is None:
        return " ".join(sorted(re.split(r"[\s;；,]+", str(term)))) + "@" + (term.language or "")
    return term.n3()


def _rows(result):
    return sorted(tuple(_cell(t) for t in row) for row in result.rows)


def _app_queries():
    found = []
    for path in sorted((QUERIES_DIR / "app").glob("*.rq")):
        qf = read_query_file(path)
        found.append(SavedQuery(qf, "app", parameter_specs_from_header(qf.header, str(path))))
    return found


ALL_QUERIES = saved_queries() + _app_queries()
# values for the app queries' required parameters (the saved queries all have defaults)
REQUIRED = {"class": "ekg:Court", "text": "sole shareholder", "sub": "ekg:ForeignJudgment",
            "super": "ekg:InstrumentRequiringRecognition", "term": "ekg:Remedy"}


@pytest.mark.parametrize("query", ALL_QUERIES, ids=[f"{q.group}/{q.name}" for q in ALL_QUERIES])
def test_saved_query_same_on_server(query, local, remote):
    params = {p.name: REQUIRED[p.name] for p in query.params if p.required and p.default is None}
    expected = run_saved_query(query, params, local, timeout=60)
    answer = run_saved_query(query, params, remote, timeout=60)
    assert answer.variables == expected.variables
    assert answer.truncated == expected.truncated
    assert _rows(answer) == _rows(expected)


@pytest.mark.parametrize("name, params", [
    ("search-labels", {"text": "保全", "lang": "zh"}),
    ("search-labels", {"text": '"} } ; DROP ALL ; SELECT * { ?s ?p ?o } #'}),
    ("deadline-from-date", {"start": "2024-02-29"}),
    ("recognition-basis-by-country", {"country": "ekgid:country-de"}),
    ("matters-with-deadline-due", {"asOf": "2025-01-01", "days": "400", "includeOverdue": "true"}),
])
def test_parameters_bound_as_terms_on_server(name, params, local, remote, server):
    before = remote.count_triples(remote.graphs[0])
    expected = run_saved_query(name, params, local)
    answer = run_saved_query(name, params, remote)
    assert _rows(answer) == _rows(expected)
    assert remote.count_triples(remote.graphs[0]) == before  # nothing was changed by a hostile value


def test_values_block_is_placed_at_the_start_of_where():
    text = 'PREFIX x: <http://x/>\nSELECT ?a (COUNT(?b) AS ?n) WHERE { # a } in a comment\n ?a x:p "}{" ; x:q ?b .\n { SELECT ?a WHERE { ?a ?p ?o } } }\nGROUP BY ?a'
    sent, shape = prepare_query(text, {"a": URIRef("http://x/a"), "label": Literal('say "hi"\n', lang="en")}, limit=9)
    assert shape.kind == "select" and not shape.has_limit
    where = sent.index("WHERE {") + len("WHERE {")
    assert sent[where:].lstrip().startswith('VALUES (?a ?label) { (<http://x/a> "say \\"hi\\"\\n"@en) }')
    assert sent.rstrip().endswith("LIMIT 10")
    construct, shape = prepare_query("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o }", {"o": URIRef("http://x/C")})
    assert shape.kind == "graph" and "CONSTRUCT { ?s a ?o } WHERE {\n  VALUES (?o)" in construct
    trailing, shape = prepare_query("SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://x/a> }", {}, limit=5)
    assert shape.has_trailing_values and "LIMIT" not in trailing.split("VALUES ?s")[-1]
    assert QueryShape("ASK { ?s ?p ?o }").kind == "ask"


def test_bad_terms_are_refused_not_pasted():
    with pytest.raises(QueryError, match="cannot bind parameter 'x'"):
        prepare_query("SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("http://x/a> . } DROP ALL #")})
    with pytest.raises(QueryError, match="blank node"):
        prepare_query("SELECT ?x WHERE { ?x ?p ?o }", {"x": BNode()})
    with pytest.raises(QueryError, match="no WHERE clause"):
        prepare_query("DESCRIBE ?x", {"x": URIRef("http://x/a")})


def test_free_queries_ask_construct_and_row_cap(local, remote):
    text = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
    expected, answer = local.query(text, limit=5), remote.query(text, limit=5)
    assert answer.truncated and expected.truncated and len(answer.rows) == 5
    assert _rows(answer) == _rows(expected)
    assert remote.ask("ASK { case:r1 a ekg:Matter }") is True
    assert remote.ask("ASK { case:r1 a ekg:Party }") is False
    construct = "CONSTRUCT { ?m ekg:matterId ?id } WHERE { ?m ekg:matterId ?id }"
    assert sorted(remote.query(construct).rows) == sorted(local.query(construct).rows)
    inferred = "SELECT ?c WHERE { case:r1-judgment a ?c } ORDER BY ?c"  # types from OWL RL reasoning
    assert _rows(remote.select(inferred)) == _rows(local.select(inferred))
    with pytest.raises(UpdateRefused):
        remote.query("DROP ALL", read_only_check=True)
    with pytest.raises(QuerySyntaxError):
        remote.query("SELECT ?x WHERE { ?x ekg:nope }")


def test_command_line_against_the_server(server, remote, capsys, monkeypatch):
    assert cli.main(["query", "run", "matters-overview", "--endpoint", server.query_url, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "R-001" in out and "R-002" in out
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", server.query_url)
    assert isinstance(engine_from_config(), RemoteEngine)
    assert cli.main(["sparql", "ASK { case:r2 ekg:matterId \"R-002\" }"]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert cli.main(["query", "run", "matters-overview", "--data", "x.ttl"]) == 2
    assert "publish the case files" in capsys.readouterr().err
    with pytest.raises(QueryError, match="publish"):
        engine_from_config(["x.ttl"])


def test_nothing_listening():
    engine = RemoteEngine(f"http://127.0.0.1:{free_port()}/query", timeout=5)
    with pytest.raises(EndpointUnavailable, match="connection refused. Is the server running"):
        engine.select("SELECT * WHERE { ?s ?p ?o }")
    assert cli.main(["sparql", "--endpoint", engine.query_url, "ASK {}"]) == 2


@pytest.mark.parametrize("path, error, message", [
    ("/error500", EndpointServerError, "HTTP 500"),
    ("/error503", EndpointServerError, "HTTP 503"),
    ("/auth401", EndpointAuthError, "HTTP 401.*ENFORCEKG_USER"),
    ("/auth403", EndpointAuthError, "HTTP 403"),
    ("/html", EndpointError, "not SPARQL results"),
    ("/nowhere", EndpointError, "HTTP 404"),
])
def test_server_errors_are_clear(stub, path, error, message):
    with pytest.raises(error, match=message):
        RemoteEngine(stub.base + path, server="generic").select("SELECT * WHERE { ?s ?p ?o }")


def test_slow_server_hits_the_timeout(stub):
    engine = RemoteEngine(stub.base + "/slow", server="generic")
    started = time.monotonic()
    with pytest.raises(EndpointTimeout, match="did not answer the query within 0.5 s") as caught:
        engine.select("SELECT * WHERE { ?s ?p ?o }", timeout=0.5)
    assert isinstance(caught.value, QueryTimeout)
    assert time.monotonic() - started < 4


def test_credentials_from_the_environment(stub, monkeypatch):
    with pytest.raises(EndpointAuthError):
        RemoteEngine(stub.base + "/basic", server="generic").select("SELECT * WHERE { ?s ?p ?o }")
    monkeypatch.setenv("ENFORCEKG_USER", "analyst")
    monkeypatch.setenv("ENFORCEKG_PASSWORD", "s3cret")
    result = RemoteEngine(stub.base + "/basic", server="generic").select("SELECT * WHERE { ?s ?p ?o }")
    assert result.rows == [(Literal("ok"),)]
    monkeypatch.setenv("ENFORCEKG_PASSWORD", "wrong")
    with pytest.raises(EndpointAuthError, match="HTTP 401"):
        RemoteEngine(stub.base + "/basic", server="generic").select("SELECT * WHERE { ?s ?p ?o }")


def test_configuration_errors(monkeypatch):
    monkeypatch.delenv("ENFORCEKG_ENDPOINT", raising=False)
    monkeypatch.delenv("ENFORCEKG_SPARQL_ENDPOINT", raising=False)
    with pytest.raises(EndpointError, match="no SPARQL endpoint configured"):
        RemoteEngine()
    with pytest.raises(EndpointError, match="not an http"):
        RemoteEngine("ftp://example.org/sparql")
    monkeypatch.setenv("ENFORCEKG_TIMEOUT", "soon")
    with pytest.raises(EndpointError, match="ENFORCEKG_TIMEOUT"):
        RemoteEngine("http://127.0.0.1:1/query")


@pytest.mark.parametrize("number, iso", [("24", "P2Y"), ("16", "P1Y4M"), ("1", "P1M"), ("0", "PT0S"),
                                         ("1.296e+06", "P15D"), ("90061.5", "P1DT1H1M1.5S"), ("P6M", "P6M")])
def test_durations_a_server_returns_as_numbers_read_back_as_iso_8601(number, iso):
    """Regression: Virtuoso returned every duration as a number (months or seconds), so the 10 saved
    queries that show time limits disagreed with the embedded engine."""
    from enforcekg.remote import parse_response
    body = ('{"head":{"vars":["d"]},"results":{"bindings":[{"d":{"type":"typed-literal",'
            '"datatype":"http://www.w3.org/2001/XMLSchema#duration","value":"%s"}}]}}' % number).encode()
    assert str(parse_response("application/sparql-results+json", body, "select", None).rows[0][0]) == iso
