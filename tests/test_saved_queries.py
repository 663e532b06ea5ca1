"""Competency questions: every saved query answers its question correctly over the shipped graph.

Each test is named after the query it checks (``test_<name with underscores>``); the expected
answers were read from the Turtle in ``ontology/`` and ``data/`` (and from the guide). The
analytics queries answer over a small case file written here (and over the shipped graph,
where they find no matters).
"""

import sys
from decimal import Decimal

import pytest

from enforcekg.paths import EXAMPLES_DIR
from enforcekg.query import run_saved_query, saved_queries
from enforcekg.store import LocalEngine, QueryError, compact, default_engine, read_case_files

CASE_FILE = """\
@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix case: <https://w3id.org/enforcekg/case/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

case:m1 a ekg:Matter ; ekg:matterId "M-001" ;
    ekg:applicant case:creditor-a ; ekg:debtor case:debtor-a ;
    ekg:concernsInstrument case:judgment-1 ; ekg:hasApplication case:app-1 .
case:creditor-a a ekg:Company ; schema:name "Alpha Shipping Ltd" .
case:debtor-a a ekg:Company ; schema:name "Beta Logistics Co" .
case:judgment-1 a ekg:ForeignJudgment ; ekg:countryOfOrigin ekgid:country-gb ;
    ekg:dateEffective "2023-03-20"^^xsd:date .
case:app-1 a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-beijing-4th-intermediate ;
    ekg:filingDate "2024-01-10"^^xsd:date ; ekg:claimedBasis ekgid:basis-reciprocity-judgments .

case:m2 a ekg:Matter ; ekg:matterId "M-002" ;
    ekg:applicant case:creditor-a ; ekg:debtor case:debtor-b ;
    ekg:concernsInstrument case:award-2 ; ekg:hasApplication case:app-2 .
case:debtor-b a ekg:Company ; rdfs:label "Gamma Trading Co" .
case:award-2 a ekg:ArbitralAward ; ekg:seat ekgid:region-hk ; ekg:dateEffective "2023-07-01"^^xsd:date .
case:app-2 a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-beijing-4th-intermediate ;
    ekg:claimedBasis ekgid:basis-arrangement-hk-awards .

case:m3 a ekg:Matter ; ekg:matterId "M-003" ;
    ekg:applicant case:creditor-c ; ekg:debtor case:debtor-c ;
    ekg:concernsInstrument case:po-3 ; ekg:hasApplication case:app-3 .
case:creditor-c a ekg:NaturalPerson ; rdfs:label "Li Ming" .
case:debtor-c a ekg:Company ; rdfs:label "Delta Materials Co" ; ekg:hasConduct case:conduct-3 .
case:conduct-3 a ekg:WaiverOfClaims ; ekg:conductDate "2024-04-01"^^xsd:date ;
    ekg:discoveryDate "2024-04-20"^^xsd:date .
case:po-3 a ekg:PaymentOrder ; ekg:instrumentServiceDate "2025-03-01"^^xsd:date .
case:app-3 a ekg:EnforcementApplication ; ekg:filedWith ekgid:court-shenzhen-intermediate .

case:m4 a ekg:Matter ; ekg:matterId "M-004" ;
    ekg:applicant case:creditor-c ; ekg:debtor case:debtor-c ;
    ekg:concernsInstrument case:judgment-4 .
case:judgment-4 a ekg:ForeignJudgment ; ekg:countryOfOrigin ekgid:country-fr ;
    ekg:dateEffective "2022-01-10"^^xsd:date .
"""

TREATY_PARTNERS = {  # the 35 states the guide lists in §3.1
    "FR", "IT", "RU", "UA", "ES", "HU", "MA", "AE", "BR", "PL", "MN", "BY", "AR", "VN", "TR", "EG", "GR", "CY",
    "KZ", "RO", "BG", "CU", "KG", "TJ", "UZ", "TN", "PE", "DZ", "KW", "BA", "ET", "IR", "LA", "LT", "KP",
}


@pytest.fixture(scope="module")
def case_engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "matters.ttl"
    path.write_text(CASE_FILE, encoding="utf-8")
    engine = LocalEngine([path])
    yield engine
    engine.close()


def run(name, engine=None, **params):
    return run_saved_query(name, {k: str(v) for k, v in params.items()}, engine or default_engine(), timeout=20)


def records(result):
    """Rows as dicts of compact strings (CURIEs for project IRIs, lexical forms for literals)."""
    return [{v: compact(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]


def col(result, var):
    return [r.get(var) for r in records(result)]


def by(result, key):
    return {r[key]: r for r in records(result)}


def words(value):
    return set((value or "").split())


# --------------------------------------------------------------------------- the library


def test_every_saved_query_has_a_competency_test():
    tests = {name for name in dir(sys.modules[__name__]) if name.startswith("test_")}
    missing = [q.name for q in saved_queries() if f"test_{q.name.replace('-', '_')}" not in tests]
    assert missing == []


def test_every_saved_query_runs_from_its_header_alone():
    for query in saved_queries():
        result = run_saved_query(query, {}, default_engine(), timeout=20)
        assert not result.truncated, query.name


# --------------------------------------------------------------------------- explore


def test_class_tree():
    tree = by(run("class-tree"), "class")
    top = {c for c, r in tree.items() if r["depth"] == "1"}
    assert {"ekg:RecognitionBasis", "ekg:RefusalGround", "ekg:DismissalGround", "ekg:EnforcementMeasure",
            "ekg:AssetInvestigationRoute", "ekg:Remedy", "ekg:StayGround", "ekg:UnenforceabilityGround"} <= top
    assert all(tree[c]["parent"] == "ekg:LegalMechanism" for c in top)
    assert tree["ekg:JoinderRoute"]["parent"] == "ekg:Remedy" and tree["ekg:JoinderRoute"]["depth"] == "2"
    assert tree["ekg:Remedy"]["label"] == "creditor remedy"
    remedies = by(run("class-tree", root="ekg:Remedy", lang="zh"), "class")
    assert set(remedies) == {"ekg:JoinderRoute", "ekg:SeparateAction", "ekg:CriminalRoute", "ekg:BankruptcyTransferRoute"}
    assert remedies["ekg:JoinderRoute"]["label"] == "追加执行当事人"
    assert remedies["ekg:JoinderRoute"]["parentLabel"] == "债权人救济途径"


def test_what_is():
    answer = records(run("what-is"))  # default: "payment order"@en
    assert [(a["term"], a["kind"], a["labelZh"]) for a in answer] == [("ekg:PaymentOrder", "class", "支付令")]
    assert "guide-s2-1" in words(answer[0]["sources"])
    assert col(run("what-is", label="支付令@zh"), "term") == ["ekg:PaymentOrder"]
    assert col(run("what-is", label="PAYMENT ORDER@en"), "term") == ["ekg:PaymentOrder"]
    assert run("what-is", label="支付令@en").rows == []  # the language must match
    exit_ban = records(run("what-is", label="exit ban@en"))
    assert [(a["term"], a["kind"], a["labelZh"]) for a in exit_ban] == [("ekgid:restriction-exit-ban", "individual", "限制出境")]
    assert col(run("what-is", label="Guiding Case No 235@en"), "term") == ["ekgid:guiding-case-235"]  # a synonym


def test_term_details():
    rows = records(run("term-details", term="ekgid:treaty-fr"))
    facts = {(r["direction"], r["property"], r["value"]) for r in rows}
    assert ("out", "ekg:treatyPartner", "ekgid:country-fr") in facts
    assert ("out", "rdf:type", "ekg:Treaty") in facts  # inferred from ekg:BilateralJudicialAssistanceTreaty
    assert ("in", "ekg:hasLegalBasis", "ekgid:basis-bilateral-treaty") in facts
    assert ("out", "dcterms:source", "ekgid:guide-s3-1") in facts
    fee = {(r["property"], r["value"]) for r in records(run("term-details", term="ekgid:cost-preservation-application-fee"))}
    assert ("ekg:capAmount", "5000") in fee and ("ekg:currency", "CNY") in fee


def test_terms_by_source():
    art300 = by(run("terms-by-source"), "term")  # default: CPL Article 300
    for ground in ("lack-of-jurisdiction", "due-process", "fraud", "res-judicata", "public-policy"):
        assert f"ekgid:fj-refusal-{ground}" in art300
    assert "legal basis" in art300["ekgid:fj-refusal-fraud"]["links"]
    company_law = by(run("terms-by-source", source="ekgid:company-law-2023"), "term")
    assert "company-law-art-23" in words(company_law["ekgid:remedy-veil-piercing-affiliated-companies"]["cites"])
    section = set(by(run("terms-by-source", source="ekgid:guide-s2-7"), "term"))
    assert {"ekgid:pub-exception-state-secrets", "ekgid:relief-anonymisation", "ekgid:pub-rule-general-publication"} <= section


def test_search_labels():
    hits = by(run("search-labels"), "term")  # default: "preservation"
    assert "ekgid:cost-preservation-application-fee" in hits
    chinese = records(run("search-labels", text="保全", lang="zh"))
    assert ("ekgid:cost-preservation-application-fee", "保全申请费") in {(r["term"], r["match"]) for r in chinese}
    assert all("保全" in r["match"] for r in chinese)
    assert run("search-labels", text="preservation", lang="zh").rows == []


def test_guide_sections():
    sections = by(run("guide-sections"), "section")
    assert len(sections) == 23
    assert sections["ekgid:guide-s3-5"]["id"] == "§3.5"
    assert sections["ekgid:guide-td-remedies"]["titleZh"].startswith("指南")
    assert all(int(r["terms"]) > 0 for r in sections.values())


def test_cited_cases():
    cases = by(run("cited-cases"), "case")
    assert len(cases) == 8
    aachen = cases["ekgid:case-2022-jing-01-po-shen-786"]
    assert (aachen["court"], aachen["decided"], aachen["foreignCountry"]) == (
        "Beijing First Intermediate People's Court", "2023-01-16", "Germany")
    assert aachen["outcome"] == "case outcome: recognised and enforced"
    assert cases["ekgid:guiding-case-235"]["decided"] == "2022"
    assert cases["ekgid:case-2019-yue-01-xie-wai-ren-22"]["labelZh"] == "（2019）粤01协外认22号"


# --------------------------------------------------------------------------- recognition


def basis_rows(result):
    return {(r["instrumentClass"], r["basis"], r["via"]) for r in records(result)}


def test_recognition_basis_by_country():
    assert basis_rows(run("recognition-basis-by-country")) == {  # default: France
        ("ekg:ForeignJudgment", "ekgid:basis-bilateral-treaty", "ekgid:treaty-fr"),
        ("ekg:ForeignCriminalCaseCivilDamagesAward", "ekgid:basis-bilateral-treaty", "ekgid:treaty-fr"),
        ("ekg:ForeignArbitralAward", "ekgid:basis-new-york-convention", "ekgid:new-york-convention"),
    }
    assert basis_rows(run("recognition-basis-by-country", country="United Kingdom")) == {
        ("ekg:ForeignJudgment", "ekgid:basis-reciprocity-judgments", "ekgid:cpl-art-299"),
        ("ekg:ForeignCriminalCaseCivilDamagesAward", "ekgid:basis-reciprocity-judgments", "ekgid:cpl-art-299"),
        ("ekg:ForeignArbitralAward", "ekgid:basis-new-york-convention", "ekgid:new-york-convention"),
    }
    assert basis_rows(run("recognition-basis-by-country", country="ekgid:country-kp")) == {
        ("ekg:ForeignJudgment", "ekgid:basis-bilateral-treaty", "ekgid:treaty-kp"),
        ("ekg:ForeignCriminalCaseCivilDamagesAward", "ekgid:basis-bilateral-treaty", "ekgid:treaty-kp"),
        ("ekg:ForeignArbitralAward", "ekgid:basis-reciprocity-awards", "ekgid:cpl-art-304"),
    }
    assert all("guide-s3-1" in words(r["sources"]) or "guide-s4-1" in words(r["sources"])
               for r in records(run("recognition-basis-by-country")))


def test_recognition_basis_by_seat():
    hk = records(run("recognition-basis-by-seat"))  # default: Hong Kong
    assert [(r["awardClass"], r["basis"], r["via"], r["directlyEnforceable"], r["requires"]) for r in hk] == [
        ("ekg:HongKongArbitralAward", "ekgid:basis-arrangement-hk-awards", "ekgid:arrangement-hk-awards", "false",
         "cond-commercial-relationship")]
    mainland = records(run("recognition-basis-by-seat", seat="ekgid:region-mainland"))
    assert [(r["awardClass"], r.get("basis"), r["directlyEnforceable"]) for r in mainland] == [
        ("ekg:DomesticArbitralAward", None, "true")]
    singapore = records(run("recognition-basis-by-seat", seat="ekgid:country-sg"))
    assert [(r["awardClass"], r["basis"]) for r in singapore] == [("ekg:ForeignArbitralAward", "ekgid:basis-new-york-convention")]
    assert words(singapore[0]["requires"]) == {"cond-seat-in-nyc-state", "cond-commercial-relationship"}
    assert col(run("recognition-basis-by-seat", seat="ekgid:country-kp"), "basis") == ["ekgid:basis-reciprocity-awards"]
    assert col(run("recognition-basis-by-seat", seat="Taiwan region"), "basis") == ["ekgid:basis-provisions-taiwan-awards"]
    assert col(run("recognition-basis-by-seat", seat="ekgid:region-mo"), "basis") == ["ekgid:basis-arrangement-macau-awards"]


def test_treaty_partners():
    partners = by(run("treaty-partners"), "code")
    assert set(partners) == TREATY_PARTNERS and len(partners) == 35
    assert partners["FR"]["nameZh"] == "法国" and partners["FR"]["treaty"] == "ekgid:treaty-fr"
    assert partners["FR"]["newYorkConventionState"] == "true"
    assert partners["KP"]["newYorkConventionState"] == "false"
    assert all(r["sources"] == "guide-s3-1" for r in partners.values())


def test_new_york_convention_reservations():
    reservations = by(run("new-york-convention-reservations"), "reservation")
    assert {k: (v["condition"], v["effectiveFrom"], v["convention"]) for k, v in reservations.items()} == {
        "ekgid:nyc-reservation-commercial": ("ekgid:cond-commercial-relationship", "1987-04-22", "ekgid:new-york-convention"),
        "ekgid:nyc-reservation-reciprocity": ("ekgid:cond-seat-in-nyc-state", "1987-04-22", "ekgid:new-york-convention"),
    }


def test_commercial_relationships():
    kinds = by(run("commercial-relationships"), "kind")
    assert len(kinds) == 21
    assert kinds["ekgid:commercial-sale-of-goods"]["labelZh"] == "商事法律关系：货物买卖"
    assert {"ekgid:commercial-technology-transfer", "ekgid:commercial-carriage-by-sea",
            "ekgid:commercial-environmental-pollution"} <= set(kinds)
    assert {r["reservation"] for r in kinds.values()} == {"ekgid:nyc-reservation-commercial"}


def test_refusal_grounds_by_instrument():
    judgment = by(run("refusal-grounds-by-instrument"), "ground")  # default: foreign judgment
    assert len(judgment) == 15
    assert sum(r["kind"] == "dismissal" for r in judgment.values()) == 3
    damages = judgment["ekgid:fj-refusal-excessive-damages"]
    assert (damages["partial"], damages["outcomes"]) == ("true", "case outcome: partially recognised")
    assert words(judgment["ekgid:fj-refusal-time-bar"]["requires"]) == {"cond-filed-after-two-years", "cond-debtor-objects-to-time-limit"}
    assert "cpl-art-300" in words(judgment["ekgid:fj-refusal-fraud"]["legalBasis"])
    award = set(by(run("refusal-grounds-by-instrument", instrument="ekg:ForeignArbitralAward"), "ground"))
    assert len(award) == 8 and "ekgid:award-refusal-time-bar" in award
    assert {g for g in award if g.startswith("ekgid:nyc-refusal-")} == {
        f"ekgid:nyc-refusal-{g}" for g in ("invalid-agreement", "no-proper-notice", "excess-of-scope",
                                            "irregular-tribunal-or-procedure", "award-not-binding", "non-arbitrable", "public-policy")}
    assert len(run("refusal-grounds-by-instrument", instrument="ekg:HongKongArbitralAward").rows) == 8
    assert len(run("refusal-grounds-by-instrument", instrument="ekg:DomesticArbitralAward").rows) == 8
    # a narrower instrument inherits the grounds of the broader one
    assert set(by(run("refusal-grounds-by-instrument", instrument="ekg:ForeignDefaultJudgment"), "ground")) == set(judgment)


def test_cases_by_ground():
    all_cases = records(run("cases-by-ground"))
    assert len(all_cases) == 14
    damages = records(run("cases-by-ground", ground="ekgid:fj-refusal-excessive-damages"))
    assert [(r["case"], r["foreignCountry"], r["outcome"]) for r in damages] == [
        ("ekgid:case-2019-yue-01-xie-wai-ren-22", "United States", "case outcome: partially recognised")]
    de_jure = {r["case"] for r in records(run("cases-by-ground", ground="ekgid:reciprocity-de-jure"))}
    assert de_jure == {"ekgid:guiding-case-235", "ekgid:case-2022-jing-01-po-shen-786"}


def test_reciprocity_kinds():
    kinds = by(run("reciprocity-kinds"), "kind")
    assert {k: v["status"] for k, v in kinds.items()} == {
        "ekgid:reciprocity-de-jure": "current", "ekgid:reciprocity-consensus": "current",
        "ekgid:reciprocity-presumed": "current", "ekgid:reciprocity-factual": "superseded"}
    assert words(kinds["ekgid:reciprocity-factual"]["supersededBy"]) == {"guiding-case-235", "judicial-minutes-2022-art-44"}
    assert words(kinds["ekgid:reciprocity-de-jure"]["cases"]) == {"guiding-case-235", "case-2022-jing-01-po-shen-786"}
    assert kinds["ekgid:reciprocity-presumed"]["defeatedBy"] == "cond-prior-refusal-for-non-reciprocity"


# --------------------------------------------------------------------------- enforcement


def test_measures_by_asset_class():
    deposits = by(run("measures-by-asset-class"), "measure")  # default: bank deposits
    assert set(deposits) == {"ekgid:measure-freeze-bank-deposits", "ekgid:measure-freeze-or-seize-assets",
                             "ekgid:measure-direct-transfer"}
    assert deposits["ekgid:measure-freeze-or-seize-assets"]["throughClass"] == "asset-group-cash"
    assert all(r["monetary"] == "true" for r in deposits.values())
    real_estate = by(run("measures-by-asset-class", asset="ekgid:asset-real-estate"), "measure")
    assert {"ekgid:measure-freeze-or-seize-assets", "ekgid:measure-appraisal", "ekgid:measure-public-auction",
            "ekgid:measure-private-sale", "ekgid:measure-acceptance-in-kind"} <= set(real_estate)
    assert all(r["monetary"] == "false" for r in real_estate.values())


def test_restrictions():
    restrictions = by(run("restrictions"), "restriction")
    assert set(restrictions) == {"ekgid:restriction-high-consumption", "ekgid:restriction-dishonest-debtor-list",
                                 "ekgid:restriction-exit-ban"}
    assert restrictions["ekgid:restriction-dishonest-debtor-list"]["publiclyDisclosed"] == "true"
    assert restrictions["ekgid:restriction-exit-ban"]["restricts"] == "restricted activity: leaving Mainland China"
    assert len(restrictions["ekgid:restriction-high-consumption"]["restricts"].split("; ")) == 4
    assert restrictions["ekgid:restriction-exit-ban"]["labelZh"] == "限制出境"


def test_penalties():
    penalties = by(run("penalties"), "penalty")
    assert {"ekgid:penalty-fine", "ekgid:penalty-detention", "ekgid:penalty-compelled-appearance",
            "ekgid:crime-refusal-to-enforce"} <= set(penalties)
    assert penalties["ekgid:penalty-detention"]["maximumDuration"] == "P15D"
    assert "person summoned for enquiry failed to appear" in penalties["ekgid:penalty-compelled-appearance"]["triggeredBy"]
    assert "criminal-law-art-313" in words(penalties["ekgid:crime-refusal-to-enforce"]["legalBasis"])


def test_investigation_routes():
    routes = by(run("investigation-routes"), "route")
    assert len(routes) == 17
    online = routes["ekgid:route-online-system-enforcement"]
    assert (online["mandatory"], online["stage"]) == ("true", "stage: compulsory enforcement")
    assert routes["ekgid:route-online-system-preservation"]["mandatory"] == "false"
    real_estate = set(by(run("investigation-routes", asset="ekgid:asset-real-estate"), "route"))
    assert {"ekgid:route-order-real-estate-registry", "ekgid:route-online-system-enforcement",
            "ekgid:route-court-ordered-disclosure"} <= real_estate
    assert "ekgid:route-order-payment-platforms" not in real_estate


def test_online_enquiry_system():
    [system] = records(run("online-enquiry-system"))
    assert (system["system"], system["established"], system["dataFields"], system["assetCategories"]) == (
        "ekgid:online-enquiry-system", "2014", "25", "16")
    assert "[16]" in system["connectedTo"] and "[at least 3900]" in system["connectedTo"]
    assert "SPC hub-to-hub enquiry platform" in system["components"]
    assert "bank deposits" in system["covers"]


def test_stay_and_unenforceability_grounds():
    grounds = by(run("stay-and-unenforceability-grounds"), "ground")
    kinds = [r["kind"] for r in grounds.values()]
    assert (kinds.count("mandatory stay"), kinds.count("discretionary stay"), kinds.count("unenforceable")) == (3, 2, 2)
    assert grounds["ekgid:stay-set-aside-arbitral-award"]["securityRequired"] == "true"
    assert grounds["ekgid:stay-third-party-revocation-action"]["securityRequired"] == "true"
    assert words(grounds["ekgid:unenforceability-late-filing"]["requires"]) == {
        "cond-filed-after-two-years", "cond-debtor-objects-to-time-limit"}


# --------------------------------------------------------------------------- remedies


def test_remedies_for_debtor_profile():
    # the insolvent company with a sole shareholder (the default profile)
    shown = by(run("remedies-for-debtor-profile"), "remedy")
    applies = {k: v for k, v in shown.items() if v["status"] == "applies"}
    assert set(applies) == {"ekgid:remedy-veil-piercing", "ekgid:remedy-separate-litigation-for-accountability",
                            "ekgid:remedy-transfer-to-bankruptcy"}
    assert applies["ekgid:remedy-transfer-to-bankruptcy"]["separateLitigation"] == "false"
    assert "enforcement-to-bankruptcy-opinions" in words(applies["ekgid:remedy-transfer-to-bankruptcy"]["legalBasis"])
    # the sole-shareholder joinder names a given fact, so it is shown with what it still needs
    sole = shown["ekgid:remedy-joinder-sole-shareholder"]
    assert sole["status"] == "needs more facts"
    assert words(sole["stillNeeded"]) == {"cond-sole-shareholder-no-separate-assets", "cond-no-enforceable-assets"}
    everything = by(run("remedies-for-debtor-profile", all="true"), "remedy")
    assert everything["ekgid:remedy-creditor-revocation"]["status"] == "does not apply"
    assert words(everything["ekgid:remedy-creditor-revocation"]["needsOneOf"]) >= {"cond-waiver-of-claims", "cond-transfer-at-undervalue"}
    # once the shareholder cannot show separate assets and nothing is left to enforce, joinder applies too
    fuller = by(run("remedies-for-debtor-profile", condition1="ekgid:cond-sole-shareholder-no-separate-assets",
                    condition3="ekgid:cond-no-enforceable-assets"), "remedy")
    fuller_applies = {k for k, v in fuller.items() if v["status"] == "applies"}
    assert fuller_applies == set(applies) | {"ekgid:remedy-joinder-sole-shareholder", "ekgid:remedy-third-party-alternative-remedies"}


def test_mechanisms_by_condition():
    insolvent = {(r["mechanism"], r["how"]) for r in records(run("mechanisms-by-condition"))}
    assert {("ekgid:remedy-transfer-to-bankruptcy", "one of the alternatives"),
            ("ekgid:remedy-joinder-unpaid-capital-pre-2024", "one of the alternatives"),
            ("ekgid:remedy-separate-litigation-for-accountability", "typical situation")} <= insolvent
    no_treaty = {(r["mechanism"], r["how"]) for r in records(run("mechanisms-by-condition", condition="ekgid:cond-no-treaty-or-reciprocity"))}
    assert ("ekgid:dismissal-no-treaty-or-reciprocity", "required") in no_treaty
    assert ("ekgid:basis-bilateral-treaty", "rules it out") in no_treaty


def test_remedies_by_conduct():
    waiver = {(r["mechanism"], r["how"]) for r in records(run("remedies-by-conduct"))}  # default: waiver of claims
    assert ("ekgid:remedy-creditor-revocation", "one of the alternatives") in waiver
    assert ("ekgid:crime-refusal-to-enforce", "typical situation") in waiver
    assert ("ekgid:crime-refusal-to-enforce", "offence scenario: waiver of claims or claim-related security") in waiver
    neglect = {r["mechanism"] for r in records(run("remedies-by-conduct", conduct="ekgid:cond-neglect-to-exercise-claims"))}
    assert "ekgid:remedy-creditor-subrogation" in neglect


def test_remedies_by_statute():
    company_law = by(run("remedies-by-statute"), "remedy")  # default: the 2023 Company Law
    assert {"ekgid:remedy-director-liability", "ekgid:remedy-veil-piercing-affiliated-companies",
            "ekgid:remedy-controller-instructed-director-liability",
            "ekgid:remedy-joinder-undercapitalised-shareholder-2024"} <= set(company_law)
    assert company_law["ekgid:remedy-controller-instructed-director-liability"]["articles"] == "company-law-art-192"
    assert company_law["ekgid:remedy-joinder-undercapitalised-shareholder-2024"]["effectiveFrom"] == "2024-07-01"
    civil_code = by(run("remedies-by-statute", statute="ekgid:civil-code"), "remedy")
    assert {"ekgid:remedy-creditor-revocation", "ekgid:remedy-creditor-subrogation"} <= set(civil_code)
    assert words(civil_code["ekgid:remedy-creditor-revocation"]["articles"]) == {"civil-code-art-538", "civil-code-art-539"}
    art23 = set(by(run("remedies-by-statute", statute="ekgid:company-law-art-23"), "remedy"))
    assert art23 == {"ekgid:remedy-veil-piercing", "ekgid:remedy-joinder-sole-shareholder",
                     "ekgid:remedy-veil-piercing-affiliated-companies"}


def test_joinder_routes():
    routes = by(run("joinder-routes"), "route")
    assert len(routes) == 9
    assert routes["ekgid:remedy-joinder-unpaid-capital"]["survivesShareTransfer"] == "true"
    old = routes["ekgid:remedy-joinder-unpaid-capital-pre-2024"]
    assert (old["separateLitigation"], old["supersededBy"]) == ("true", "ekgid:remedy-joinder-undercapitalised-shareholder-2024")
    new = routes["ekgid:remedy-joinder-undercapitalised-shareholder-2024"]
    assert (new["effectiveFrom"], new["earlyPreservation"], new["separateLitigation"]) == ("2024-07-01", "true", "false")
    assert routes["ekgid:remedy-joinder-sole-shareholder"]["extents"] == "liability extent: direct liability"


def test_refusal_to_enforce_offence():
    rows = records(run("refusal-to-enforce-offence"))
    aspects = {}
    for r in rows:
        aspects.setdefault(r["aspect"], set()).add(r["item"])
    assert aspects["element"] == {"ekgid:offence-element-ability-to-perform", "ekgid:offence-element-wilful-refusal",
                                  "ekgid:offence-element-serious-circumstances"}
    assert len(aspects["possible offender"]) == 4 and len(aspects["sanction"]) == 4
    assert {"ekgid:refusal-interpretation-2024", "ekgid:refusal-opinions-2025", "ekgid:criminal-law-art-313"} <= aspects["legal basis"]
    levels = {r["item"]: r["details"] for r in rows if r["aspect"] == "level of circumstances"}
    assert levels == {"ekgid:circumstance-level-serious": "13 scenarios",
                      "ekgid:circumstance-level-especially-serious": "4 scenarios"}
    assert aspects["case"] == {"ekgid:case-2024-gan-08-xing-zhong-140", "ekgid:case-2023-ji-04-xing-zhong-537"}


# --------------------------------------------------------------------------- procedure


def test_time_limits():
    limits = by(run("time-limits"), "timeLimit")
    expected = {"ekgid:time-limit-enforcement-application": "P2Y", "ekgid:time-limit-payment-order-objection": "P15D",
                "ekgid:time-limit-defence-domestic": "P15D", "ekgid:time-limit-defence-overseas": "P30D",
                "ekgid:time-limit-reconsideration": "P10D", "ekgid:time-limit-reconsideration-ruling": "P30D",
                "ekgid:time-limit-spc-record-filing": "P15D", "ekgid:time-limit-collegial-panel": "P15D",
                "ekgid:time-limit-enforcement-period": "P6M", "ekgid:time-limit-revocation-discovery": "P1Y",
                "ekgid:time-limit-revocation-occurrence": "P5Y"}
    assert {k: limits[k]["duration"] for k in expected} == expected
    assert limits["ekgid:time-limit-enforcement-period"]["nominal"] == "true"
    assert limits["ekgid:time-limit-disclosure-lookback"]["countsBackward"] == "true"
    payment_order = set(by(run("time-limits", instrument="ekg:PaymentOrder"), "timeLimit"))
    assert payment_order == {"ekgid:time-limit-payment-order-objection", "ekgid:time-limit-enforcement-application",
                             "ekgid:time-limit-enforcement-period"}


def test_deadline_from_date():
    [two_years] = records(run("deadline-from-date", start="2024-02-29", timeLimit="ekgid:time-limit-enforcement-application"))
    assert (two_years["deadline"], two_years["duration"]) == ("2026-02-28", "P2Y")
    deadlines = by(run("deadline-from-date"), "timeLimit")  # from 2025-01-01
    assert deadlines["ekgid:time-limit-reconsideration"]["deadline"] == "2025-01-11"
    assert deadlines["ekgid:time-limit-defence-overseas"]["deadline"] == "2025-01-31"
    assert deadlines["ekgid:time-limit-disclosure-lookback"]["deadline"] == "2024-01-01"  # counts backward


def test_filing_documents():
    documents = by(run("filing-documents"), "document")  # default: recognition of a foreign judgment
    assert set(documents) == {f"ekgid:doc-fj-{d}" for d in (
        "application-letter", "judgment-copy", "proof-of-effectiveness", "proof-of-service", "chinese-translation",
        "notarisation-authentication", "preservation-application")}
    assert documents["ekgid:doc-fj-preservation-application"]["optional"] == "true"
    assert "default judgment" in documents["ekgid:doc-fj-proof-of-service"]["requiredIf"]
    assert "seal" in documents["ekgid:doc-fj-chinese-translation"]["formalRequirement"]
    assert len(documents["ekgid:doc-fj-application-letter"]["mustContain"].split("; ")) == 6
    awards = set(by(run("filing-documents", procedure="ekgid:procedure-award-recognition"), "document"))
    assert awards == {"ekgid:doc-award-notarised-copy", "ekgid:doc-award-translation", "ekgid:doc-award-asset-tracing-report",
                      "ekgid:doc-award-application", "ekgid:doc-award-preservation-documents"}


def test_costs_and_fee_caps():
    costs = by(run("costs-and-fee-caps"), "cost")
    fee = costs["ekgid:cost-preservation-application-fee"]
    assert (Decimal(fee["capAmount"]), fee["currency"]) == (Decimal(5000), "CNY")
    enforcement = costs["ekgid:cost-enforcement-fee"]
    assert (enforcement["prepaymentRequired"], enforcement["deductedFromRecoveries"]) == ("false", "true")
    assert enforcement["payableBy"] == "party role: judgment debtor"
    assert sum("capAmount" in r for r in costs.values()) == 1
    assert set(by(run("costs-and-fee-caps", instrument="ekg:DomesticArbitralAward"), "cost")) == {"ekgid:cost-enforcement-fee"}
    assert "ekgid:cost-preservation-application-fee" in by(run("costs-and-fee-caps", instrument="ekg:ForeignArbitralAward"), "cost")


def test_typical_timelines():
    timelines = by(run("typical-timelines"), "timeline")
    assert len(timelines) == 3
    recognition = timelines["ekgid:timeline-recognition-foreign-judgment"]
    assert recognition["minimum"] == "P6M" and recognition["maximum"] in ("P12M", "P1Y")
    assert len(recognition["extendedBy"].split("; ")) == 2
    assert timelines["ekgid:timeline-enforcement-phase"]["nominal"] == "P6M"
    assert len(timelines["ekgid:timeline-enforcement-phase"]["extendedBy"].split("; ")) == 4


def test_publication_rules():
    items = records(run("publication-rules"))
    kinds = {}
    for r in items:
        kinds.setdefault(r["kind"], {})[r["item"]] = r
    exceptions = kinds["publication exception"]
    assert {k: v.get("statutory") for k, v in exceptions.items()} == {
        "ekgid:pub-exception-state-secrets": "true", "ekgid:pub-exception-family-and-minors": "true",
        "ekgid:pub-exception-court-discretion": "true", "ekgid:pub-exclusion-mediation-statements": "false"}
    assert len(kinds["must be redacted"]) == 4
    assert set(kinds["relief a party may request"]) == {"ekgid:relief-non-publication", "ekgid:relief-partial-redaction",
                                                        "ekgid:relief-anonymisation"}


def test_competent_court():
    rules = by(run("competent-court"), "rule")  # default: foreign judgment
    assert set(rules) == {"ekgid:jr-foreign-judgment-primary", "ekgid:jr-foreign-judgment-fallback"}
    assert rules["ekgid:jr-foreign-judgment-primary"]["courtLevel"] == "court level: intermediate"
    fallback = rules["ekgid:jr-foreign-judgment-fallback"]
    assert (fallback["fallback"], fallback["onlyIf"]) == ("true", "cond-respondent-no-mainland-presence")
    taiwan = records(run("competent-court", instrument="ekg:TaiwanArbitralAward"))
    assert len(taiwan) == 1 and len(taiwan[0]["connectingFactors"].split("; ")) == 5
    domestic = by(run("competent-court", instrument="ekg:DomesticArbitralAward"), "rule")
    assert domestic["ekgid:jr-domestic-award-shenzhen-basic"]["courtLevel"] == "court level: basic"


def test_procedure_steps():
    steps = records(run("procedure-steps"))  # default: recognition of a foreign judgment
    assert [r["step"] for r in steps][:3] == ["ekgid:step-fj-1-preparation", "ekgid:step-fj-2-application",
                                              "ekgid:step-fj-2a-filing"]
    assert len(steps) == 11 and steps[-1]["step"] == "ekgid:step-fj-3-enforcement"
    defence = next(r for r in steps if r["step"] == "ekgid:step-fj-2c-defence")
    assert set(defence["timeLimits"].split("; ")) == {"time-limit-defence-domestic (P15D)", "time-limit-defence-overseas (P30D)"}
    assert len(run("procedure-steps", procedure="ekgid:procedure-award-recognition").rows) == 14


# --------------------------------------------------------------------------- analytics


def test_analytics_find_no_matters_in_the_shipped_graph():
    for query in saved_queries():
        if query.group == "analytics":
            params = {"asOf": "2025-03-01"} if query.name == "matters-with-deadline-due" else {}
            assert run(query.name, **params).rows == [], query.name


def test_matters_by_court(case_engine):
    courts = by(run("matters-by-court", case_engine), "court")
    assert {k: (v["matters"], words(v["matterIds"])) for k, v in courts.items()} == {
        "ekgid:court-beijing-4th-intermediate": ("2", {"M-001", "M-002"}),
        "ekgid:court-shenzhen-intermediate": ("1", {"M-003"}),
    }
    assert courts["ekgid:court-beijing-4th-intermediate"]["level"] == "court level: intermediate"


def test_matters_by_instrument_kind(case_engine):
    kinds = by(run("matters-by-instrument-kind", case_engine), "kind")
    assert {k: words(v["matterIds"]) for k, v in kinds.items()} == {
        "ekg:ForeignJudgment": {"M-001", "M-004"},
        "ekg:HongKongArbitralAward": {"M-002"},  # inferred from the seat
        "ekg:PaymentOrder": {"M-003"},
    }


def test_matters_by_basis_claimed(case_engine):
    bases = by(run("matters-by-basis-claimed", case_engine), "basis")
    assert {k: v["matterIds"] for k, v in bases.items()} == {
        "ekgid:basis-reciprocity-judgments": "M-001", "ekgid:basis-arrangement-hk-awards": "M-002"}


def test_matters_with_deadline_due(case_engine):
    due = records(run("matters-with-deadline-due", case_engine, asOf="2025-03-01", days=30))
    assert [(r["id"], r["timeLimit"], r["due"], r["status"]) for r in due] == [
        ("M-003", "ekgid:time-limit-payment-order-objection", "2025-03-16", "due"),
        ("M-001", "ekgid:time-limit-enforcement-application", "2025-03-20", "due"),
    ]
    wider = {(r["id"], r["timeLimit"], r["due"], r["status"])
             for r in records(run("matters-with-deadline-due", case_engine, asOf="2025-03-01", days=60, includeOverdue="true"))}
    assert wider == {
        ("M-004", "ekgid:time-limit-enforcement-application", "2024-01-10", "overdue"),
        ("M-003", "ekgid:time-limit-payment-order-objection", "2025-03-16", "due"),
        ("M-001", "ekgid:time-limit-enforcement-application", "2025-03-20", "due"),
        ("M-003", "ekgid:time-limit-revocation-discovery", "2025-04-20", "due"),
        ("M-004", "ekgid:time-limit-revocation-discovery", "2025-04-20", "due"),  # same debtor, same conduct
    }
    assert run("matters-with-deadline-due", case_engine, asOf="2030-01-01", days=30).rows == []


def test_matters_overview(case_engine):
    matters = by(run("matters-overview", case_engine), "id")
    assert set(matters) == {"M-001", "M-002", "M-003", "M-004"}
    first = matters["M-001"]
    assert (first["applicantName"], first["debtors"], first["origin"], first["effective"], first["filed"]) == (
        "Alpha Shipping Ltd", "Beta Logistics Co", "United Kingdom", "2023-03-20", "2024-01-10")
    assert matters["M-002"]["origin"] == "Hong Kong Special Administrative Region"


def readable_examples():
    """The example case files that can be read (some may be deliberately broken for other tests)."""
    readable = []
    for path in sorted(EXAMPLES_DIR.glob("*.ttl")):
        try:
            read_case_files([path])
        except (ValueError, QueryError):
            continue
        readable.append(path)
    return readable


@pytest.mark.skipif(not readable_examples(), reason="no example case files yet")
def test_analytics_run_over_the_shipped_examples():
    engine = LocalEngine(readable_examples())
    try:
        for query in saved_queries():
            if query.group == "analytics":
                result = run_saved_query(query, {"asOf": "2025-01-01"} if query.name == "matters-with-deadline-due" else {},
                                         engine, timeout=20)
                assert not result.truncated
        overview = records(run("matters-overview", engine))
        assert overview, "the examples hold matters"
    finally:
        engine.close()


def test_overview_names_the_applicant_of_every_valid_example():
    """Regression: the overview was asserted over invalid examples too, one of which has no applicant."""
    import csv
    manifest = list(csv.DictReader((EXAMPLES_DIR / "manifest.csv").open(encoding="utf-8")))
    valid = [EXAMPLES_DIR / row["file"] for row in manifest
             if row["expect_conforms"] == "true" and row["file"].endswith(".ttl")]
    engine = LocalEngine(valid)
    try:
        overview = records(run("matters-overview", engine))
        assert overview and all(r.get("applicantName") for r in overview)
    finally:
        engine.close()
