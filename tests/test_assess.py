"""The assessment library, its renderers and the `enforcekg assess` command."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import rdflib

from enforcekg.assess import _jobs, assess, engine, render_json, render_text, render_turtle
from enforcekg.cli import main
from enforcekg.intake import read_files
from enforcekg.paths import DATA_DIR
from enforcekg.rules import RuleEngine, plan_batches

SCENARIOS = DATA_DIR / "scenarios"
SOLE = SCENARIOS / "01-insolvent-sole-shareholder.ttl"
ENGLISH = SCENARIOS / "02-english-judgment-reciprocity.ttl"
EXAMPLES = DATA_DIR / "examples"
EKGID = "https://w3id.org/enforcekg/id/"


def _finding(result, iri_local, key="mechanism"):
    return [f for f in result.findings if isinstance(f.get(key), dict) and f[key]["iri"] == EKGID + iri_local]


@pytest.fixture(scope="module")
def sole():
    return assess(SOLE)[0]


def test_library_accepts_paths_case_data_and_graphs(sole):
    from_data = assess(read_files([SOLE]))[0]
    from_graph = assess(rdflib.Graph().parse(SOLE))[0]
    statuses = lambda r: sorted((f["id"], f["status"]["notation"]) for f in r.findings)  # noqa: E731
    assert statuses(sole) == statuses(from_data) == statuses(from_graph)
    assert sole.matter_id == "S01-insolvent-sole-shareholder" and sole.as_of == dt.date(2025, 6, 30)


def test_every_finding_has_why_rule_and_sources(sole):
    for finding in sole.findings:
        assert finding.get("status") and finding.get("rules"), finding["id"]
        assert finding.get("sources") or finding.get("condition"), finding["id"]
    joinder = _finding(sole, "remedy-joinder-sole-shareholder")[0]
    assert {f["property"]["iri"].rsplit("#", 1)[-1] for f in joinder["facts"]} >= {"hasSoleShareholder", "soleShareholderProvesSeparateAssets"}
    assert any(s.get("id") == "§2.2" for s in joinder["sources"])
    assert any("Article 23" in s["en"] for s in joinder["sources"])


def test_possible_findings_say_what_is_missing(sole):
    withdrawn = _finding(sole, "remedy-joinder-withdrawn-capital")[0]
    assert withdrawn["status"]["notation"] == "possible"
    assert [c["iri"] for c in withdrawn["missingConditions"]] == [EKGID + "cond-capital-withdrawn"]
    assert any(p["iri"].endswith("#capitalWithdrawn") for p in withdrawn["missingFacts"])


def test_as_of_overrides_the_matter_date(sole):
    earlier = assess(SOLE, as_of="2023-10-01")[0]
    assert earlier.as_of == dt.date(2023, 10, 1)
    assert _finding(earlier, "remedy-joinder-undercapitalised-shareholder-2024")[0]["notYetInForce"] == "true"
    assert _finding(sole, "remedy-joinder-undercapitalised-shareholder-2024")[0]["status"]["notation"] == "applies"


def test_text_note_groups_sections_with_why(sole):
    text = render_text([sole])
    for heading in ("Enforcement route", "Deadline", "Remedy or third-party liability route", "Behaviour and credit restriction"):
        assert heading in text
    assert "joinder of sole shareholder who cannot prove separate assets [applies]" in text
    assert "Why:" in text and "Rule:" in text and "§2.2" in text and "2026-03-10 (Tue)" in text
    chinese = render_text([sole], lang="zh")
    assert "执行转破产" in chinese and "依据" in chinese


def test_json_and_turtle_outputs(sole):
    data = json.loads(render_json([sole]))
    assert data[0]["matterId"] == "S01-insolvent-sole-shareholder" and data[0]["findings"]
    graph = rdflib.Graph().parse(data=render_turtle([sole]), format="turtle")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    ekg = rdflib.Namespace("https://w3id.org/enforcekg/def#")
    assert any(graph.triples((None, prov.wasGeneratedBy, None)))
    assert any(graph.triples((None, ekg.usedFact, None)))
    assert (None, rdflib.RDF.type, ekg.Assessment) in graph


def test_several_matters_and_blank_nodes(tmp_path):
    path = tmp_path / "two.ttl"
    path.write_text(SOLE.read_text(encoding="utf-8") + "\n" + ENGLISH.read_text(encoding="utf-8").split("\n", 6)[-1]
                    .replace("case:s02-recognition a", "case:s02-extra a ekg:Asset ; ekg:assetClass ekgid:asset-vehicles .\ncase:s02-recognition a"),
                    encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("ekg:knownAsset case:s01-account ;",
                    "ekg:knownAsset case:s01-account , [ a ekg:Asset ; ekg:assetClass ekgid:asset-vehicles ] ;"), encoding="utf-8")
    results = assess(path)
    assert [r.matter_id for r in results] == ["S01-insolvent-sole-shareholder", "S02-english-judgment"]
    assert _finding(results[0], "measure-seize-vehicles")  # the blank-node asset is reached
    assert _finding(results[0], "remedy-joinder-sole-shareholder")[0]["status"]["notation"] == "applies"
    assert _finding(results[1], "remedy-joinder-sole-shareholder")[0]["status"]["notation"] == "possible"  # facts of S01 do not leak


def _readable_examples() -> list:
    with (EXAMPLES / "manifest.csv").open(encoding="utf-8") as manifest:
        return [EXAMPLES / row["file"] for row in csv.DictReader(manifest) if row["expect_exit"] != "2"]


def _assert_same(alone, together) -> None:
    assert [r.matter for r in alone] == [r.matter for r in together]
    for one, batched in zip(alone, together):
        assert render_json([batched]) == render_json([one]), one.matter_id  # the same findings, in the same order
        assert sorted(map(str, batched.triples)) == sorted(map(str, one.triples)), one.matter_id
        assert batched.form_conditions == one.form_conditions


@pytest.mark.parametrize("paths", [sorted(SCENARIOS.glob("*.ttl")), _readable_examples()], ids=["scenarios", "examples"])
def test_one_batch_gives_every_matter_exactly_what_it_gets_alone(paths):
    data = read_files(paths)
    together = assess(data, batch_size=1000)
    assert len(together) >= 25
    _assert_same(assess(data, batch_size=1), together)


@pytest.mark.parametrize("paths", [sorted(SCENARIOS.glob("*.ttl")), _readable_examples()], ids=["scenarios", "examples"])
def test_reporting_strata_need_no_second_pass(paths):
    """The strata from SINGLE_PASS_FROM run once: running every stratum to its fixpoint changes nothing."""
    data = read_files(paths)
    _assert_same(assess(data, rule_engine=RuleEngine(single_pass_from=None)), assess(data))


def test_worker_processes_give_the_same_results():
    data = read_files(sorted(SCENARIOS.glob("*.ttl")))
    _assert_same(assess(data, batch_size=8), assess(data, batch_size=8, workers=2))


SHARED = """@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix case: <https://w3id.org/enforcekg/case/> .
case:a a ekg:Matter ; ekg:debtor case:d ; ekg:concernsInstrument case:j .
case:d a ekg:Company ; ekg:hasSoleShareholder true ; ekg:soleShareholderProvesSeparateAssets false .
case:j a ekg:MonetaryPaymentJudgment ; ekg:dateEffective "2024-03-10"^^xsd:date .
case:b a ekg:Matter ; ekg:debtor case:d ; ekg:concernsInstrument case:o ; ekg:satisfiesCondition <https://w3id.org/enforcekg/id/cond-no-enforceable-assets> .
case:o a ekg:PaymentOrder ; ekg:dateEffective "2024-05-10"^^xsd:date .
case:c a ekg:Matter ; ekg:concernsInstrument case:j ; ekg:knownAsset case:d .
case:e a ekg:Matter ; ekg:debtor case:e-debtor .
"""


def test_matters_sharing_a_debtor_or_an_instrument_do_not_mix(tmp_path):
    """Regression: in one store, an inference about a shared node drawn from one matter's data (case:c
    lists a's debtor as its asset, so it is typed an ekg:Asset) reached the other matters' assessments."""
    path = tmp_path / "shared.ttl"
    path.write_text(SHARED, encoding="utf-8")
    data = read_files([path])
    together = assess(data, as_of="2025-06-30", batch_size=100)
    _assert_same(assess(data, as_of="2025-06-30", batch_size=1), together)
    a, b, _, _ = together
    for result in (a, b):
        assert not any(t.subject.value.endswith("/d") and t.object.value.endswith("#Asset") for t in result.triples)
    assert _finding(b, "remedy-joinder-sole-shareholder")[0]["status"]["notation"] == "applies"
    assert _finding(a, "remedy-joinder-sole-shareholder")[0]["status"]["notation"] == "possible"  # b's stated condition stays in b
    jobs = [job for job, _ in _jobs(data.triples, "2025-06-30", dt.date.today())]
    assert plan_batches(jobs, 100, engine().knowledge_nodes) == [[0, 3], [1], [2]]  # only e shares nothing
    with pytest.raises(ValueError, match="share a case node"):
        engine().run_batch(jobs[:2])


def test_days_remaining_count_from_each_matters_own_as_of_date():
    """Regression: the date stage counted every deadline of a batch from one as-of date."""
    results = assess(read_files(sorted(SCENARIOS.glob("*.ttl"))), batch_size=1000)
    assert len({r.as_of for r in results}) >= 3
    counted = [(f, r) for r in results for f in r.findings if f.get("dueDate") and f.get("daysRemaining")]
    assert len({r.as_of for _, r in counted}) >= 2
    for finding, result in counted:
        assert int(finding["daysRemaining"]) == (dt.date.fromisoformat(finding["dueDate"]) - result.as_of).days


def test_bad_batch_size_or_workers_are_refused():
    with pytest.raises(ValueError, match="batch size must be at least 1"):
        assess(SOLE, batch_size=0)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        assess(SOLE, workers=0)


def test_cli_formats(capsys):
    assert main(["assess", str(SOLE)]) == 0
    assert "Assessment of matter S01" in capsys.readouterr().out
    assert main(["assess", str(SOLE), "--format", "json", "--as-of", "2024-01-15"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["asOf"] == "2024-01-15"
    assert main(["assess", str(SOLE), "--format", "turtle"]) == 0
    assert "prov:wasGeneratedBy" in capsys.readouterr().out


def test_cli_refuses_unreadable_input(tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ekg: <https://w3id.org/enforcekg/def#> .\n<urn:x> a ekg:Matter ;;", encoding="utf-8")
    assert main(["assess", str(broken)]) == 2
    assert "broken.ttl" in capsys.readouterr().err
    assert main(["assess", str(tmp_path / "missing.ttl")]) == 2
    assert main(["assess", str(SOLE), "--as-of", "30/06/2025"]) == 2
    assert main(["assess", str(SOLE), "--workers", "0"]) == 2
    assert "--workers 0" in capsys.readouterr().err
    empty = tmp_path / "no-matter.ttl"
    empty.write_text("@prefix ekg: <https://w3id.org/enforcekg/def#> .\n<urn:x> a ekg:Company .", encoding="utf-8")
    assert main(["assess", str(empty)]) == 2
