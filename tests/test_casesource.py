"""Case data read back from a real Oxigraph server (:mod:`enforcekg.casesource`).

Example files and scenarios are published with ``enforcekg publish``; fetching them back must give
the same triples (up to blank-node labels and the server's canonical decimals), the same
assessment and the same validation report as the files, one matter at a time or all at once,
paged or not; unknown matters and a server that is down give clear errors.
"""

from __future__ import annotations

import argparse
import json
import re

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.compare import isomorphic

from enforcekg import casesource
from enforcekg.assess import assess, render_json
from enforcekg.casesource import (Matter, UnknownMatter, UnreadableFiles, add_case_source_arguments, fetch_case_data,
                                  list_matters, read_case_source)
from enforcekg.dataset import build
from enforcekg.intake import CaseData, IntakeError, read_files, to_rdflib
from enforcekg.namespaces import EKG
from enforcekg.paths import DATA_DIR, EXAMPLES_DIR
from enforcekg.publish import publish
from enforcekg.remote import EndpointError, EndpointUnavailable, QueryShape, RemoteEngine
from enforcekg.report import build_rows
from enforcekg.validate import validate

from oxigraph_server import free_port

pytestmark = pytest.mark.server

SCENARIOS = DATA_DIR / "scenarios"
EXAMPLES = [EXAMPLES_DIR / "m04-missing-translation.ttl",              # a blank-node asset
            EXAMPLES_DIR / "m02-singapore-award-valid.jsonld",
            EXAMPLES_DIR / "m13-sequence-and-content-errors.ttl"]
SCENARIO_FILES = [SCENARIOS / "01-insolvent-sole-shareholder.ttl",     # decimals, a blank-node deadline
                  SCENARIOS / "02-english-judgment-reciprocity.ttl",
                  SCENARIOS / "19-revocation-undervalue.ttl"]           # two blank-node deadlines
SHARED = """\
@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix case: <https://w3id.org/enforcekg/case/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .

case:x1 a ekg:Matter ; ekg:matterId "X-1" ; rdfs:label "first of two" ; ekg:applicant case:x-creditor ;
    rdfs:seeAlso [ rdfs:seeAlso [ rdfs:seeAlso [ rdfs:seeAlso [ rdfs:seeAlso [ rdfs:comment "six blank nodes down" ;
                   rdfs:seeAlso [ rdfs:comment "bottom" ] ] ] ] ] ] .
case:x2 a ekg:Matter ; ekg:matterId "X-2" ; ekg:applicant case:x-creditor ; ekg:debtor case:x2-debtor .
case:x-creditor a ekg:Company ; schema:name "Shared Creditor Ltd" .
case:x2-debtor a ekg:Company ; schema:name "Only In X2 Ltd" ; ekg:hasSoleShareholder true .
[] a ekg:Matter ; ekg:matterId "B-1" ; ekg:debtor [ a ekg:NaturalPerson ; schema:name "Blank Matter Debtor" ] .
"""


@pytest.fixture(scope="module")
def shared_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "shared.ttl"
    path.write_text(SHARED, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def remote(server, shared_file):
    engine = RemoteEngine(server.query_url, timeout=60)
    publish(engine, build(EXAMPLES + SCENARIO_FILES + [shared_file]))
    return engine


def canonical(triples) -> list:
    """The triples as the server holds them (canonical literals, e.g. decimals without trailing zeros)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [q.triple for q in store]


def same_graph(one: CaseData, *others: CaseData) -> bool:
    return isomorphic(to_rdflib(canonical(one.triples)), to_rdflib(canonical(t for d in others for t in d.triples)))


def comparable(text: str) -> str:
    """Blank-node labels (skolem IRIs, ``_:`` labels) alike; decimals in canonical form."""
    for label in set(re.findall(r"(?:\.well-known/genid/|_:)([A-Za-z0-9_-]+)", text)):
        text = text.replace(label, "b")  # also where the label stands in for a name
    return re.sub(r"\b(\d+)\.(\d*?)0+\b", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def report_rows(case: CaseData) -> str:
    conforms, graph, _ = validate(case)
    rows = [{k: v for k, v in row.items() if k != "file"} for row in build_rows(graph, case)]
    return comparable(json.dumps([conforms, rows], ensure_ascii=False, sort_keys=True))


def by_matter(results) -> dict:
    return {r.matter_id: comparable(render_json([r])) for r in results}


@pytest.mark.parametrize("path", EXAMPLES + SCENARIO_FILES, ids=lambda p: p.name)
def test_fetched_matters_assess_and_validate_as_the_file(path, remote):
    local = read_files([path])
    ids = [matter_id for matter_id, _ in local.matters().values()]
    fetched = fetch_case_data(remote, ids)
    assert same_graph(fetched, local)
    assert by_matter(assess(fetched, "2025-06-30")) == by_matter(assess(local, "2025-06-30"))
    assert report_rows(fetched) == report_rows(local)


def test_every_matter_is_listed_and_fetched(remote, shared_file):
    files = EXAMPLES + SCENARIO_FILES + [shared_file]
    local = read_files(files)
    listed = list_matters(remote)
    assert {m.iri: m.matter_id for m in listed} == {str(node): matter_id for node, (matter_id, _) in local.matters().items()
                                                    if isinstance(node, URIRef)}
    assert Matter("https://w3id.org/enforcekg/case/x1", "X-1", "first of two") in listed
    assert [m.iri for m in listed] == sorted(m.iri for m in listed)
    assert same_graph(fetch_case_data(remote), local)  # the blank-node matter B-1 too


def test_paged_fetch_gives_the_same_data(remote, shared_file, monkeypatch):
    everything = read_files(EXAMPLES + SCENARIO_FILES + [shared_file])
    monkeypatch.setattr(casesource, "PAGE", 2)
    monkeypatch.setattr(casesource, "LIST_PAGE", 3)
    monkeypatch.setattr(casesource, "DEPTH", 1)
    monkeypatch.setattr(remote, "max_rows", 40)  # answers at the cap are asked again in halves
    sent = []
    original = remote._send
    monkeypatch.setattr(remote, "_send", lambda text, *a, **kw: sent.append(text) or original(text, *a, **kw))
    assert len(list_matters(remote)) == len(everything.matters()) - 1  # B-1 has no IRI
    assert same_graph(fetch_case_data(remote), everything)
    assert len(sent) > 20
    for text in sent:  # what Virtuoso needs: no unbounded paths, VALUES never after the WHERE clause
        assert "*" not in text and "+" not in text and not QueryShape(text).has_trailing_values
    monkeypatch.setattr(remote, "max_rows", 3)
    with pytest.raises(EndpointError, match="case/x2 reaches the row cap"):
        fetch_case_data(remote, ["X-2"])


def test_one_matter_among_several(remote):
    fetched = fetch_case_data(remote, ["X-2"])
    assert {str(m) for m in fetched.matters()} == {"https://w3id.org/enforcekg/case/x2"}
    names = {t.object.value for t in fetched.triples if t.predicate.value == "https://schema.org/name"}
    assert names == {"Shared Creditor Ltd", "Only In X2 Ltd"}   # the shared creditor, not X-1's nodes
    s02 = read_files([SCENARIO_FILES[1]])
    assert same_graph(fetch_case_data(remote, ["case:s02"]), s02)
    assert same_graph(fetch_case_data(remote, [f"<{next(iter(s02.matters()))}>"]), s02)


def test_deep_and_blank_node_matters(remote):
    x1 = fetch_case_data(remote, ["https://w3id.org/enforcekg/case/x1"])
    assert {t.object.value for t in x1.triples if t.predicate.value.endswith("#comment")} == {"six blank nodes down", "bottom"}
    b1 = fetch_case_data(remote, ["B-1"])
    assert [matter_id for matter_id, _ in b1.matters().values()] == ["B-1"]
    assert any(t.object.value == "Blank Matter Debtor" for t in b1.triples)
    assert assess(b1, "2025-06-30")[0].matter_id == "B-1"


def test_types_publish_infers_for_blank_nodes_are_not_fetched(remote):
    """Regression: the cases graph also holds the OWL 2 RL supertypes of case blank nodes (``publish`` keeps a
    blank node in one graph), and they came back as if the file had stated them."""
    held = remote.select(f"SELECT ?c WHERE {{ ?m {casesource._MATTER_ID} \"B-1\" ; <{EKG.debtor}> ?d . ?d a ?c }}",
                         graphs=[remote.parts["cases"]], limit=None)
    assert str(EKG.Party) in {str(c) for c in held.column("c")}
    fetched = fetch_case_data(remote, ["B-1"])
    debtor = next(t.object for t in fetched.triples if t.predicate.value == str(EKG.debtor))
    assert {t.object.value for t in fetched.triples if t.subject == debtor and t.predicate.value.endswith("#type")} \
        == {str(EKG.NaturalPerson)}


def test_unknown_matters_are_named(remote):
    before = remote.count_triples(remote.parts["cases"])
    with pytest.raises(UnknownMatter, match=r"'NOPE', 'case:nope', '\" } DROP ALL ; #'.*matters-overview"):
        fetch_case_data(remote, ["X-1", "NOPE", "case:nope", '" } DROP ALL ; #'])
    assert remote.count_triples(remote.parts["cases"]) == before


def test_server_down_is_an_endpoint_error():
    engine = RemoteEngine(f"http://127.0.0.1:{free_port()}/query", timeout=5)
    with pytest.raises(EndpointUnavailable, match="connection refused"):
        list_matters(engine)
    with pytest.raises(EndpointUnavailable):
        fetch_case_data(engine, ["X-1"])


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_case_source_arguments(parser, "casefile")
    return parser.parse_args(argv)


def test_command_line_case_source(remote, monkeypatch, tmp_path):
    monkeypatch.delenv("ENFORCEKG_SPARQL_ENDPOINT", raising=False)
    monkeypatch.delenv("ENFORCEKG_ENDPOINT", raising=False)
    data = read_case_source(parse("--endpoint", remote.query_url, "--matter", "X-2", "--matter", "case:x1"))
    assert sorted(matter_id for matter_id, _ in data.matters().values()) == ["X-1", "X-2"]
    assert same_graph(read_case_source(parse(str(SCENARIO_FILES[1]))), read_files([SCENARIO_FILES[1]]))
    with pytest.raises(EndpointError, match="no case data: give case files, or --endpoint"):
        read_case_source(parse())
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", remote.query_url)
    assert len(read_case_source(parse()).matters()) == len(list_matters(remote)) + 1
    with pytest.raises(EndpointError, match="not both"):
        read_case_source(parse(str(SCENARIO_FILES[1]), "--matter", "X-1"))
    with pytest.raises(UnknownMatter, match="'S-404'"):
        read_case_source(parse("--matter", "S-404"))
    broken = [tmp_path / "a.ttl", tmp_path / "b.ttl"]
    for path in broken:
        path.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(UnreadableFiles) as caught:
        read_case_source(parse(*map(str, broken)))
    assert isinstance(caught.value, IntakeError) and str(broken[0]) in str(caught.value) and str(broken[1]) in str(caught.value)
    monkeypatch.setenv("ENFORCEKG_ENDPOINT", f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(EndpointUnavailable):
        read_case_source(parse("--matter", "X-1"))
