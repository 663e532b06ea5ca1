"""The rule engine: rule files, strata, fixpoint, date stage, provenance, time travel."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from enforcekg.paths import RULES_DIR
from enforcekg.rules import (CASE_GRAPH, INFERRED_GRAPH, Job, RuleEngine, RuleError, add_duration, day_flags,
                             load_rules, plan_batches, read_rule, strata)

EKG = "https://w3id.org/enforcekg/def#"
EKGID = "https://w3id.org/enforcekg/id/"
CASE = "https://w3id.org/enforcekg/case/"
PREFIXES = """@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix case: <https://w3id.org/enforcekg/case/> .
"""


@pytest.fixture(scope="module")
def engine():
    return RuleEngine()


def run(engine, turtle: str, as_of="2025-06-30", name="m"):
    triples = [q.triple for q in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)]
    assessment = ox.NamedNode(f"https://w3id.org/enforcekg/assessment/{name}/{as_of}")
    engine.run(triples, assessment, ox.NamedNode(CASE + name), dt.date.fromisoformat(as_of))
    return assessment


def status(engine, assessment, mechanism):
    rows = engine.query(f"SELECT ?s WHERE {{ <{assessment.value}> ekg:hasFinding ?f . ?f ekg:concernsMechanism <{EKGID}{mechanism}> ; "
                        "ekg:findingStatus ?s }")
    return {r["s"].value.rsplit("status-", 1)[-1] for r in rows}


def holds(engine, matter, condition, relation="satisfiesCondition"):
    return engine.query(f"ASK {{ <{CASE}{matter}> ekg:{relation} <{EKGID}{condition}> }}")


SOLE_SHAREHOLDER = """
case:m a ekg:Matter ; ekg:debtor case:d ; ekg:concernsInstrument case:j ; ekg:hasApplication case:a .
case:d a ekg:Company ; ekg:hasSoleShareholder true ; ekg:soleShareholderProvesSeparateAssets false ;
    ekg:noEnforceableAssetsFound true ; ekg:capitalUnpaid true ; ekg:insolvent true .
case:j a ekg:MonetaryPaymentJudgment ; ekg:dateEffective "2024-02-29"^^xsd:date .
case:a a ekg:EnforcementApplication .
"""


# --- rule files ---

def test_rule_files_have_headers_sources_and_strata():
    rules = load_rules()
    assert len(rules) >= 40
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert rule.title and rule.header["description"] and rule.sources, rule.name
        assert all(source.value.startswith(EKGID) for source in rule.sources), rule.name
        assert rule.iri.value.startswith(EKGID + "rule-")
    assert [number for number, _ in strata(rules)] == sorted({r.stratum for r in rules})


def test_every_rule_cites_a_guide_section():
    for rule in load_rules():
        assert any(s.value.startswith(EKGID + "guide-") for s in rule.sources), rule.name


@pytest.mark.parametrize("text, message", [
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "header lacks"),
    ("#+ title: t\n#+ description: d\n#+ source: ekgid:guide-s2-2\nCONSTRUCT { ?s ?p } WHERE { }", "invalid SPARQL"),
    ("#+ title: t\n#+ description: d\n#+ source: ekgid:guide-s2-2\nSELECT * WHERE { ?s ?p ?o }", "CONSTRUCT"),
])
def test_bad_rule_files_are_refused(tmp_path, text, message):
    path = tmp_path / "20-bad-rule.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        read_rule(path)


def test_rule_file_name_must_carry_a_stratum(tmp_path):
    path = tmp_path / "no-stratum.rq"
    path.write_text("#+ title: t\n", encoding="utf-8")
    with pytest.raises(RuleError, match="NN-name.rq"):
        read_rule(path)


def test_a_knowledge_engineer_can_add_a_rule_file(tmp_path):
    for rule in load_rules():
        (tmp_path / rule.path.name).write_text(rule.text, encoding="utf-8")
    (tmp_path / "70-flag-listed-debtor.rq").write_text(
        "#+ title: Flag a listed debtor\n#+ description: test rule\n#+ source: ekgid:guide-s1-1\n"
        "PREFIX ekg: <https://w3id.org/enforcekg/def#>\n"
        "CONSTRUCT { ?a ekg:hasNote <urn:test:listed> } WHERE { ?a ekg:assessesMatter ?m . ?m ekg:debtor/ekg:listedCompany true }",
        encoding="utf-8")
    custom = RuleEngine(rules=load_rules(tmp_path))
    assessment = run(custom, "case:m a ekg:Matter ; ekg:debtor case:d . case:d a ekg:Company ; ekg:listedCompany true .")
    assert custom.query(f"ASK {{ <{assessment.value}> ekg:hasNote <urn:test:listed> }}")


# --- date arithmetic ---

@pytest.mark.parametrize("start, duration, due", [
    ("2024-03-10", "P2Y", "2026-03-10"),
    ("2024-02-29", "P1Y", "2025-02-28"),
    ("2024-08-31", "P6M", "2025-02-28"),
    ("2025-09-16", "P15D", "2025-10-01"),
    ("2025-01-31", "P1M", "2025-02-28"),
    ("2025-01-01", "P2W", "2025-01-15"),
])
def test_add_duration(start, duration, due):
    assert add_duration(dt.date.fromisoformat(start), duration) == dt.date.fromisoformat(due)


def test_add_duration_refuses_unknown_forms():
    with pytest.raises(ValueError):
        add_duration(dt.date(2025, 1, 1), "two years")


def test_day_flags_use_the_chinese_calendar():
    national_day = day_flags(dt.date(2025, 10, 1))
    assert national_day["non_working"] and national_day["holiday_en"] and national_day["holiday_zh"] == "国庆节"
    assert national_day["next_working_day"] == dt.date(2025, 10, 9)
    assert day_flags(dt.date(2025, 9, 28))["non_working"] is False  # Sunday made a working day
    assert day_flags(dt.date(2025, 6, 28))["weekend"] is True
    assert day_flags(dt.date(2025, 6, 30))["non_working"] is False


# --- reasoning ---

def test_fact_to_condition_rules_and_contrapositive(engine):
    run(engine, SOLE_SHAREHOLDER)
    for condition in ("cond-sole-shareholder-company", "cond-sole-shareholder-no-separate-assets", "cond-debtor-company",
                      "cond-no-enforceable-assets", "cond-capital-unpaid", "cond-debtor-insolvent"):
        assert holds(engine, "m", condition), condition
    assert holds(engine, "m", "cond-debtor-natural-person", "failsCondition")
    run(engine, "case:m a ekg:Matter ; ekg:debtor case:d . case:d a ekg:NaturalPerson .")
    assert holds(engine, "m", "cond-sole-shareholder-company", "failsCondition")  # company is ruled out, so is a one-person company


def test_generic_applicability_and_supersession(engine):
    assessment = run(engine, SOLE_SHAREHOLDER)
    assert status(engine, assessment, "remedy-joinder-sole-shareholder") == {"applies"}
    assert status(engine, assessment, "remedy-transfer-to-bankruptcy") == {"applies"}
    assert status(engine, assessment, "remedy-joinder-undercapitalised-shareholder-2024") == {"applies"}
    assert status(engine, assessment, "remedy-joinder-unpaid-capital-pre-2024") == {"superseded"}
    assert status(engine, assessment, "remedy-joinder-general-partner") == set()  # ruled out: not reported
    assert status(engine, assessment, "remedy-creditor-revocation") == {"possible"}


def test_time_travel_around_the_2024_company_law(engine):
    before = run(engine, SOLE_SHAREHOLDER, as_of="2024-06-30")
    assert status(engine, before, "remedy-joinder-undercapitalised-shareholder-2024") == {"not-yet-in-force"}
    assert engine.query(f"ASK {{ <{before.value}> ekg:hasFinding ?f . ?f ekg:concernsMechanism "
                        f"<{EKGID}remedy-joinder-undercapitalised-shareholder-2024> ; ekg:notYetInForce true ; "
                        "ekg:inForceFrom \"2024-07-01\"^^xsd:date }")
    assert status(engine, before, "remedy-joinder-unpaid-capital-pre-2024") == {"applies"}
    after = run(engine, SOLE_SHAREHOLDER, as_of="2024-07-01")
    assert status(engine, after, "remedy-joinder-undercapitalised-shareholder-2024") == {"applies"}


def test_deadlines_are_dated_and_flagged(engine):
    assessment = run(engine, SOLE_SHAREHOLDER)
    row = next(iter(engine.query(
        f"SELECT ?due ?days ?off WHERE {{ <{assessment.value}> ekg:hasFinding ?f . ?f ekg:concernsTimeLimit "
        f"<{EKGID}time-limit-enforcement-application> ; ekg:dueDate ?due ; ekg:daysRemaining ?days ; ekg:dueDateNonWorkingDay ?off }}")))
    assert row["due"].value == "2026-02-28"  # from 2024-02-29: clamped to the month's end
    # a Saturday, but an official make-up working day after the 2026 Spring Festival
    assert row["off"].value == str(day_flags(dt.date(2026, 2, 28))["non_working"]).lower() == "false"
    assert int(row["days"].value) == (dt.date(2026, 2, 28) - dt.date(2025, 6, 30)).days


def test_owl_rl_subset_classifies_case_data(engine):
    run(engine, "case:m a ekg:Matter ; ekg:concernsInstrument case:x . case:x a ekg:ArbitralAward ; ekg:seat ekgid:region-hk .")
    assert engine.query(f"ASK {{ <{CASE}x> a ekg:HongKongArbitralAward , ekg:InstrumentRequiringRecognition }}")
    run(engine, "case:m a ekg:Matter ; ekg:debtor case:d . case:d ekg:hasSoleShareholder true .")
    assert holds(engine, "m", "cond-debtor-company")  # the property's domain makes the debtor a company


def test_analyst_stated_conditions_count(engine):
    assessment = run(engine, "case:m a ekg:Matter ; ekg:concernsInstrument case:j ; "
                     "ekg:satisfiesCondition ekgid:cond-sole-shareholder-no-separate-assets , ekgid:cond-no-enforceable-assets . "
                     "case:j a ekg:CivilJudgment .")
    assert status(engine, assessment, "remedy-joinder-sole-shareholder") == {"applies"}


def test_provenance_of_findings(engine):
    assessment = run(engine, SOLE_SHAREHOLDER)
    a = assessment.value
    assert not engine.query(f"ASK {{ <{a}> ekg:hasFinding ?f . FILTER NOT EXISTS {{ ?f prov:wasGeneratedBy ?act ; ekg:derivedByRule ?rule }} }}")
    assert engine.query(f"ASK {{ <{a}> ekg:hasFinding ?f . ?f prov:wasGeneratedBy ?act . ?act a prov:Activity ; prov:used ?rule . "
                        "?rule a ekg:InferenceRule , prov:Plan ; rdfs:label ?l ; dcterms:source ?s ; ekg:ruleStratum ?n }")
    assert engine.query(f"ASK {{ <{a}> ekg:hasFinding ?f . ?f ekg:concernsMechanism <{EKGID}remedy-joinder-sole-shareholder> ; "
                        "prov:wasDerivedFrom ?c . ?c a ekg:ConditionFinding ; ekg:usedFact ?st . "
                        f"?st rdf:subject <{CASE}d> ; rdf:predicate ekg:soleShareholderProvesSeparateAssets ; rdf:object false }}")


def test_fixpoint_is_stable_and_graphs_are_separate(engine):
    first = run(engine, SOLE_SHAREHOLDER)
    count = len(list(engine.store.quads_for_pattern(None, None, None, INFERRED_GRAPH)))
    run(engine, SOLE_SHAREHOLDER)
    assert len(list(engine.store.quads_for_pattern(None, None, None, INFERRED_GRAPH))) == count
    assert len(list(engine.store.quads_for_pattern(None, None, None, CASE_GRAPH))) == 13
    assert first.value.endswith("/m/2025-06-30")


def test_rules_read_the_as_of_date_as_data(engine):
    for rule in load_rules(RULES_DIR):
        assert "2025-" not in rule.text and "2024-" not in rule.text, f"{rule.name} pastes a date into query text"


def test_court_rules_fall_back_and_check_the_level_filed_with(engine):
    award = """case:m a ekg:Matter ; ekg:debtor case:d ; ekg:concernsInstrument case:x ; ekg:hasApplication case:a .
    case:x a ekg:ForeignArbitralAward ; ekg:seat ekgid:country-sg ; ekg:commercialRelationship true .
    case:a a ekg:RecognitionApplication ; ekg:filedWith ekgid:spc ."""
    unknown = run(engine, award + " case:d a ekg:Company .")
    court = lambda a, rule: engine.query(  # noqa: E731
        f"SELECT ?s WHERE {{ <{a.value}> ekg:hasFinding ?f . ?f ekg:concernsMechanism <{EKGID}{rule}> ; ekg:findingStatus ?s }}")
    assert {r["s"].value for r in court(unknown, "jr-foreign-award-primary")} == {EKGID + "status-possible"}
    assert {r["s"].value for r in court(unknown, "jr-foreign-award-fallback")} == {EKGID + "status-possible"}
    absent = run(engine, award + " case:d a ekg:Company ; ekg:domicileInMainland false ; ekg:assetsInMainland false .")
    assert {r["s"].value for r in court(absent, "jr-foreign-award-fallback")} == {EKGID + "status-applies"}
    assert {r["s"].value for r in court(absent, "jr-foreign-award-primary")} == {EKGID + "status-excluded"}
    assert not list(court(absent, "jr-hk-award"))  # rules for other instrument kinds stay out
    assert engine.query(f"ASK {{ <{absent.value}> ekg:hasFinding ?f . ?f ekg:hasNote ekgid:note-court-level-mismatch }}")


# --- batches ---

def job(turtle: str, name: str, as_of="2025-06-30") -> Job:
    triples = tuple(q.triple for q in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE))
    return Job(triples, ox.NamedNode(f"https://w3id.org/enforcekg/assessment/{name}/{as_of}"), ox.NamedNode(CASE + name),
               dt.date.fromisoformat(as_of))


def test_plan_batches_keeps_matters_sharing_a_case_node_apart():
    jobs = [job(f"case:{n} a ekg:Matter ; ekg:debtor case:{d} ; ekg:filedWith ekgid:spc .", n) for n, d in
            [("m1", "d1"), ("m2", "d2"), ("m3", "d1"), ("m4", "d4"), ("m5", "d5")]]
    spc = ox.NamedNode(EKGID + "spc")
    assert plan_batches(jobs, 2, frozenset({spc})) == [[0, 1], [2, 3], [4]]  # m3 shares d1 with m1
    assert plan_batches(jobs, 10, frozenset({spc})) == [[0, 1, 3, 4], [2]]  # a knowledge-base court is no conflict
    assert len(plan_batches(jobs, 10)) == 5  # unless it is case data
    with pytest.raises(ValueError, match="at least 1"):
        plan_batches(jobs, 0)


def test_run_batch_keeps_each_assessments_findings_and_provenance(engine):
    jobs = [job(SOLE_SHAREHOLDER, "m"), job(SOLE_SHAREHOLDER.replace("case:", "case:x-").replace("case:x-m ", "case:x "), "x", "2024-06-30")]
    batched = engine.run_batch(jobs)
    for one, inferred in zip(jobs, batched):
        assert set(inferred) == set(engine.run([*one.case_triples], one.assessment, one.matter, one.as_of))
        activities = {t.object.value for t in inferred if t.predicate.value.endswith("wasGeneratedBy")}
        assert activities and all(a.startswith(one.assessment.value + "/activity/") for a in activities)
    with pytest.raises(ValueError, match="share a case node"):
        engine.run_batch([jobs[0], job(SOLE_SHAREHOLDER.replace("case:m ", "case:n "), "n")])  # same debtor, instrument


def test_a_rule_minting_a_finding_outside_its_assessment_is_refused(tmp_path):
    (tmp_path / "20-stray-finding.rq").write_text(
        "#+ title: t\n#+ description: d\n#+ source: ekgid:guide-s1-1\nPREFIX ekg: <https://w3id.org/enforcekg/def#>\n"
        "CONSTRUCT { ?f a ekg:Finding . ?a ekg:hasFinding ?f } WHERE { ?a ekg:assessesMatter ?m BIND(IRI(CONCAT(STR(?m), '/f')) AS ?f) }",
        encoding="utf-8")
    custom = RuleEngine(rules=load_rules(tmp_path))
    custom.run_batch([job("case:m a ekg:Matter .", "m")])  # alone, it is the matter's
    with pytest.raises(RuleError, match="not minted under an assessment"):
        custom.run_batch([job("case:m a ekg:Matter .", "m"), job("case:n a ekg:Matter .", "n")])
