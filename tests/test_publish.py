"""``enforcekg publish``: the graph, case data and inferences go into a real Oxigraph server, verified.

Checks that the published graphs hold exactly the embedded engine's triples, split into four
disjoint named graphs; that blank nodes survive being sent in several requests; that a failed or
short upload never leaves the published graphs half-loaded (staging graphs are dropped, the
published ones stay as they were; with --direct they are removed); and the command line.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from enforcekg import cli
from enforcekg.dataset import build
from enforcekg.engine import QueryError
from enforcekg.paths import EXAMPLES_DIR
from enforcekg.publish import PublishError, publish
from enforcekg.remote import GRAPH_PARTS, RemoteEngine, graph_iris
from enforcekg.store import LocalEngine

from oxigraph_server import free_port

pytestmark = pytest.mark.server

CASES = """\
@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix case: <https://w3id.org/enforcekg/case/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

case:p1 a ekg:Matter ; ekg:matterId "P-001" ;
    ekg:applicant case:p1-creditor ; ekg:debtor case:p1-debtor ;
    ekg:concernsInstrument case:p1-award ; ekg:hasApplication case:p1-app ;
    ekg:knownAsset [ a ekg:Asset ; ekg:assetClass ekgid:asset-vessels ; ekg:assetLocation "Dalian" ] ,
                   [ a ekg:Asset ; ekg:assetClass ekgid:asset-bank-deposits ; ekg:assetValue "12.50"^^xsd:decimal ] .
case:p1-creditor a ekg:Company ; schema:name "Gamma Shipping Ltd" .
case:p1-debtor a ekg:Company ; schema:name "Delta Materials Co" .
case:p1-award a ekg:ForeignArbitralAward ; ekg:seat ekgid:country-gb ; ekg:dateEffective "2024-01-15"^^xsd:date .
case:p1-app a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-shanghai-maritime ;
    ekg:filingDate "2024-06-01"^^xsd:date ; ekg:claimedBasis ekgid:basis-new-york-convention .
"""
ASSETS = """SELECT ?class ?location WHERE { case:p1 ekg:knownAsset ?a . ?a ekg:assetClass ?class .
            OPTIONAL { ?a ekg:assetLocation ?location } } ORDER BY ?class"""


@pytest.fixture(scope="module")
def case_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "publish-cases.ttl"
    path.write_text(CASES, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def dataset(case_file):
    return build([case_file])


@pytest.fixture
def engine(server):
    return RemoteEngine(server.query_url, timeout=60)


def graph_counts(server) -> dict:
    """Every named graph on the server with its size (the server's own default graph ignored)."""
    everything = RemoteEngine(server.query_url, graph="default")
    result = everything.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", limit=None)
    return {str(g): int(n) for g, n in result.rows}


def _without_bnodes(triples):
    plain, with_bnodes = set(), 0
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            with_bnodes += 1
        else:
            plain.add((t.subject, t.predicate, t.object))
    return plain, with_bnodes


def test_dataset_is_the_embedded_graph_split_four_ways(dataset, case_file):
    parts = [set(dataset.graphs[p]) for p in GRAPH_PARTS]
    assert sum(len(p) for p in parts) == len(set().union(*parts))  # disjoint
    assert all(parts[:3]) and parts[3], "every part has triples"
    local = LocalEngine([case_file])
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in dataset.all())
    assert _without_bnodes(q.triple for q in store) == _without_bnodes(q.triple for q in local.store)
    bnodes = {t.subject for p in GRAPH_PARTS for t in dataset.graphs[p] if isinstance(t.subject, ox.BlankNode)}
    for bnode in bnodes:  # a blank node never spans two graphs
        owners = {p for p in GRAPH_PARTS for t in dataset.graphs[p] if bnode in (t.subject, t.object)}
        assert len(owners) == 1


def test_publish_verifies_and_leaves_no_staging_graphs(server, engine, dataset, case_file):
    report = publish(engine, dataset, batch=2_000)  # several POSTs per graph; blank nodes in the first
    final = graph_iris("https://w3id.org/enforcekg/graph/")
    assert {p: iri for p, (iri, _, _) in report.graphs.items()} == final
    assert all(sent == found > 0 for _, sent, found in report.graphs.values())
    assert set(graph_counts(server)) == set(final.values())
    local = LocalEngine([case_file])
    assert sorted(engine.select(ASSETS).rows) == sorted(local.select(ASSETS).rows)
    assert len(engine.select(ASSETS).rows) == 2


def test_republish_without_data_empties_the_cases_graph(server, engine, dataset):
    publish(engine, dataset)
    assert engine.ask("ASK { case:p1 a ekg:Matter }")
    publish(engine, build([]))
    counts = graph_counts(server)
    assert graph_iris("https://w3id.org/enforcekg/graph/")["cases"] not in counts
    assert not engine.ask("ASK { case:p1 a ekg:Matter }")
    assert engine.ask("ASK { ekgid:basis-new-york-convention a ?c }")


def test_count_mismatch_changes_nothing(server, engine, dataset, monkeypatch):
    publish(engine, build([]))
    before = graph_counts(server)
    real = engine.count_triples
    monkeypatch.setattr(engine, "count_triples", lambda graph, timeout=None: real(graph, timeout) - ("/staging/" in graph))
    with pytest.raises(PublishError, match="does not hold what was sent.*nothing was changed") as caught:
        publish(engine, dataset)
    assert caught.value.mismatch and not caught.value.changed
    assert graph_counts(server) == before


def test_failed_upload_changes_nothing(server, engine, dataset, monkeypatch):
    publish(engine, build([]))
    before = graph_counts(server)
    real, calls = engine.graph_store, []

    def flaky(method, graph, body=None, *args, **kwargs):
        calls.append(method)
        if method in ("PUT", "POST") and len([c for c in calls if c != "DELETE"]) == 3:
            raise QueryError("the connection dropped")
        return real(method, graph, body, *args, **kwargs)

    monkeypatch.setattr(engine, "graph_store", flaky)
    with pytest.raises(PublishError, match="published graphs were not changed"):
        publish(engine, dataset)
    assert graph_counts(server) == before


def test_direct_mode_removes_graphs_on_mismatch(server, engine, dataset, monkeypatch):
    report = publish(engine, dataset, direct=True)
    assert not report.staged and all(sent == found for _, sent, found in report.graphs.values())
    monkeypatch.setattr(engine, "count_triples", lambda graph, timeout=None: 0)
    with pytest.raises(PublishError, match="removed again") as caught:
        publish(engine, dataset, direct=True)
    assert caught.value.changed
    assert graph_counts(server) == {}


def test_command_line(server, case_file, capsys, tmp_path):
    assert cli.main(["publish", "--endpoint", server.query_url, "--data", case_file]) == 0
    out = capsys.readouterr().out
    assert "verified" in out and "https://w3id.org/enforcekg/graph/cases" in out
    assert cli.main(["query", "run", "matters-overview", "--endpoint", server.query_url, "--format", "csv"]) == 0
    assert "P-001" in capsys.readouterr().out
    custom = "http://example.org/ekg"
    assert cli.main(["publish", "--endpoint", server.query_url, "--graph", custom, "--no-reasoning"]) == 0
    assert graph_iris(custom)["ontology"] in graph_counts(server)
    assert cli.main(["publish", "--dry-run", "--data", case_file]) == 0
    assert "inferred" in capsys.readouterr().out
    assert cli.main(["publish", "--endpoint", f"http://127.0.0.1:{free_port()}/query"]) == 2
    assert "connection refused" in capsys.readouterr().err
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ekg: <https://w3id.org/enforcekg/def#> .\nekg:x ekg:y", encoding="utf-8")
    assert cli.main(["publish", "--endpoint", server.query_url, "--data", str(bad)]) == 2


def test_server_refusing_uploads(server, stub):
    engine = RemoteEngine(server.query_url, gsp_endpoint=stub.base + "/error503")
    with pytest.raises(PublishError, match="HTTP 503.*|not changed"):
        publish(engine, build([]))
    engine = RemoteEngine(server.query_url, gsp_endpoint=stub.base + "/auth401")
    with pytest.raises(PublishError, match="HTTP 401"):
        publish(engine, build([]))


def test_fast_closure_matches_the_reference_pipeline(case_file):
    """dataset.closed_triples (pyoxigraph terms, placeholders for literals) == reason.closure over rdflib."""
    from rdflib import Graph

    from enforcekg import dataset, reason
    from enforcekg.load import load_knowledge_graph
    from enforcekg.store import read_case_files, to_oxigraph

    files = [case_file] + [str(p) for p in sorted(EXAMPLES_DIR.glob("*.ttl"))]
    fast = dataset.closed_triples(dataset.read_case_triples(files))
    union = Graph()
    for triple in load_knowledge_graph(copy=False):
        union.add(triple)
    for triple in read_case_files(files):
        union.add(triple)
    reference = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in reason.closure(union, "reasonable")]
    canonical = []
    for triples in (fast, reference):
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        canonical.append(_without_bnodes(q.triple for q in store))
    assert canonical[0] == canonical[1]
