"""The case shapes: well-formed, fully annotated, and each one caught failing and passing.

Every shape with constraints must be seen failing at least once — by an example file in
``data/examples`` (see its manifest) or by one of the small mutations below, each of which takes a
valid base matter and breaks exactly one fact. The base matters themselves must raise no violation.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from enforcekg.namespaces import EKG
from enforcekg.paths import EXAMPLES_DIR, ONTOLOGY_DIR, SHAPES_DIR
from enforcekg.shapes import EKGSH, compile_select, shapes_graph, sparql_constraints
from enforcekg.validate import validate

PREFIXES = """@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix case: <https://w3id.org/enforcekg/case/> .
"""

BASES = {
    # a foreign judgment recognised on reciprocity, every document supplied
    "J": """
case:$ID a ekg:Matter ; ekg:matterId "$ID" ; ekg:applicant case:$ID-applicant ; ekg:debtor case:$ID-debtor ;
    ekg:concernsInstrument case:$ID-judgment ; ekg:hasApplication case:$ID-recognition ; ekg:knownAsset case:$ID-asset .
case:$ID-applicant a ekg:Company ; schema:name "Applicant Ltd" .
case:$ID-debtor a ekg:Company ; schema:name "Debtor Co Ltd" ; ekg:domicileInMainland true ; ekg:shareholderCount 3 .
case:$ID-judgment a ekg:ForeignJudgment ; ekg:countryOfOrigin ekgid:country-gb ; ekg:dateRendered "2023-03-10"^^xsd:date ;
    ekg:dateEffective "2023-04-07"^^xsd:date ; ekg:isFinal true ; ekg:renderedInDefault false ;
    ekg:amountAwarded "8500000.00"^^xsd:decimal ; ekg:amountCurrency "USD" .
case:$ID-recognition a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-shanghai-maritime ;
    ekg:filingDate "2024-09-02"^^xsd:date ; ekg:claimedBasis ekgid:basis-reciprocity-judgments ;
    ekg:suppliedDocument ekgid:doc-fj-application-letter , ekgid:doc-fj-judgment-copy , ekgid:doc-fj-proof-of-effectiveness ,
        ekgid:doc-fj-chinese-translation , ekgid:doc-fj-notarisation-authentication .
case:$ID-asset a ekg:Asset ; ekg:assetClass ekgid:asset-bank-deposits ; ekg:assetValue "3000000.00"^^xsd:decimal .
""",
    # a foreign award under the New York Convention, with preservation
    "A": """
case:$ID a ekg:Matter ; ekg:matterId "$ID" ; ekg:applicant case:$ID-applicant ; ekg:debtor case:$ID-debtor ;
    ekg:concernsInstrument case:$ID-award ; ekg:hasApplication case:$ID-recognition , case:$ID-preservation ;
    ekg:knownAsset case:$ID-asset .
case:$ID-applicant a ekg:Company ; schema:name "Applicant Pte Ltd" .
case:$ID-debtor a ekg:Company ; schema:name "Debtor Co Ltd" ; ekg:domicileInMainland true .
case:$ID-award a ekg:ForeignArbitralAward ; ekg:seat ekgid:country-sg ; ekg:dateEffective "2024-01-15"^^xsd:date ;
    ekg:isFinal true ; ekg:commercialRelationship true ; ekg:investorStateDispute false .
case:$ID-recognition a ekg:RecognitionApplication ; ekg:filedWith ekgid:court-beijing-4th-intermediate ;
    ekg:filingDate "2024-06-03"^^xsd:date ; ekg:claimedBasis ekgid:basis-new-york-convention ;
    ekg:suppliedDocument ekgid:doc-award-application , ekgid:doc-award-notarised-copy , ekgid:doc-award-translation ,
        ekgid:doc-award-asset-tracing-report , ekgid:doc-preservation-security , ekgid:doc-preservation-asset-clues .
case:$ID-preservation a ekg:PreservationApplication ; ekg:filedWith ekgid:court-beijing-4th-intermediate ;
    ekg:filingDate "2024-06-03"^^xsd:date ; ekg:securityProvided true .
case:$ID-asset a ekg:Asset ; ekg:assetClass ekgid:asset-equity .
""",
    # a payment order enforced after the objection period
    "D": """
case:$ID a ekg:Matter ; ekg:matterId "$ID" ; ekg:applicant case:$ID-applicant ; ekg:debtor case:$ID-debtor ;
    ekg:concernsInstrument case:$ID-order ; ekg:hasApplication case:$ID-enforcement .
case:$ID-applicant a ekg:Company ; schema:name "Lender Co Ltd" .
case:$ID-debtor a ekg:NaturalPerson ; schema:name "Li Na" .
case:$ID-order a ekg:PaymentOrder ; ekg:dateEffective "2024-03-20"^^xsd:date ; ekg:instrumentServiceDate "2024-03-04"^^xsd:date ;
    ekg:writtenObjectionFiled false .
case:$ID-enforcement a ekg:EnforcementApplication ; ekg:filedWith case:$ID-court ; ekg:filingDate "2024-04-02"^^xsd:date .
case:$ID-court a ekg:BasicPeoplesCourt ; schema:name "District People's Court" ; ekg:courtLevel ekgid:level-basic .
""",
    # a notarised debt instrument with the debtor's consent
    "N": """
case:$ID a ekg:Matter ; ekg:matterId "$ID" ; ekg:applicant case:$ID-applicant ; ekg:debtor case:$ID-debtor ;
    ekg:concernsInstrument case:$ID-deed ; ekg:hasApplication case:$ID-enforcement .
case:$ID-applicant a ekg:Company ; schema:name "Bank Ltd" .
case:$ID-debtor a ekg:Company ; schema:name "Borrower Co Ltd" .
case:$ID-deed a ekg:NotarisedDebtInstrument ; ekg:dateEffective "2024-02-01"^^xsd:date ; ekg:debtorConsentedToEnforcement true .
case:$ID-enforcement a ekg:EnforcementApplication ; ekg:filedWith ekgid:court-guangzhou-intermediate ; ekg:filingDate "2024-09-15"^^xsd:date .
""",
    # a partnership debtor with partners and conduct, a domestic award
    "P": """
case:$ID a ekg:Matter ; ekg:matterId "$ID" ; ekg:asOfDate "2025-01-10"^^xsd:date ; ekg:applicant case:$ID-applicant ;
    ekg:debtor case:$ID-debtor ; ekg:concernsInstrument case:$ID-award ; ekg:hasApplication case:$ID-enforcement .
case:$ID-applicant a ekg:Company ; schema:name "Supplier Co Ltd" .
case:$ID-debtor a ekg:Partnership ; schema:name "Investment Partnership" ; ekg:generalPartner case:$ID-gp ;
    ekg:limitedPartner case:$ID-lp ; ekg:hasConduct case:$ID-act .
case:$ID-gp a ekg:Party ; schema:name "Zhou Ming" .
case:$ID-lp a ekg:Party ; schema:name "Chen Jie" ; ekg:contributionUnpaid true .
case:$ID-act a ekg:TransferAtUndervalue ; ekg:conductDate "2024-06-18"^^xsd:date .
case:$ID-award a ekg:DomesticArbitralAward ; ekg:dateEffective "2024-05-06"^^xsd:date .
case:$ID-enforcement a ekg:EnforcementApplication ; ekg:filedWith ekgid:court-shenzhen-intermediate ;
    ekg:filingDate "2024-07-01"^^xsd:date .
""",
}

# code -> (base, [(node suffix, predicate) to drop], Turtle to add)
MUTATIONS = {
    "matter-id": ("J", [("", "ekg:matterId")], ""),
    "matter-applicant": ("J", [("", "ekg:applicant")], ""),
    "matter-debtor": ("J", [("", "ekg:debtor")], ""),
    "matter-instrument": ("J", [], "case:$ID ekg:concernsInstrument case:$ID-asset ."),
    "matter-application": ("J", [], "case:$ID ekg:hasApplication case:$ID-asset ."),
    "matter-asset": ("J", [], "case:$ID ekg:knownAsset case:$ID-debtor ."),
    "matter-as-of-date": ("J", [], 'case:$ID ekg:asOfDate "2024" .'),
    "matter-holds-preservation": ("J", [], 'case:$ID ekg:applicantHoldsPreservation "no" .'),
    "matter-satisfies-condition": ("J", [], "case:$ID ekg:satisfiesCondition ekgid:asset-equity ."),
    "party-kind": ("J", [("-debtor", "rdf:type")], ""),
    "party-name": ("J", [("-debtor", "schema:name")], ""),
    "party-domicile": ("J", [], 'case:$ID-debtor ekg:domicileInMainland "yes" .'),
    "party-assets-in-mainland": ("J", [], 'case:$ID-debtor ekg:assetsInMainland "maybe" .'),
    "party-insolvent": ("J", [], 'case:$ID-debtor ekg:insolvent "maybe" .'),
    "party-multiple-creditors": ("J", [], 'case:$ID-debtor ekg:facesMultipleCreditors "maybe" .'),
    "party-no-assets-found": ("J", [], 'case:$ID-debtor ekg:noEnforceableAssetsFound "maybe" .'),
    "party-conduct": ("J", [], "case:$ID-debtor ekg:hasConduct case:$ID-asset ."),
    "company-sole-shareholder": ("J", [], 'case:$ID-debtor ekg:hasSoleShareholder "maybe" .'),
    "company-shareholder-count": ("J", [("-debtor", "ekg:shareholderCount")], "case:$ID-debtor ekg:shareholderCount 0 ."),
    "company-separate-assets": ("J", [], 'case:$ID-debtor ekg:soleShareholderProvesSeparateAssets "maybe" .'),
    "company-capital-unpaid": ("J", [], 'case:$ID-debtor ekg:capitalUnpaid "maybe" .'),
    "company-unpaid-amount": ("J", [], 'case:$ID-debtor ekg:unpaidCapitalAmount "-5"^^xsd:decimal .'),
    "company-capital-withdrawn": ("J", [], 'case:$ID-debtor ekg:capitalWithdrawn "maybe" .'),
    "company-deadline-accelerated": ("J", [], 'case:$ID-debtor ekg:capitalDeadlineAccelerated "maybe" .'),
    "company-deregistered": ("J", [], 'case:$ID-debtor ekg:deregisteredWithoutLiquidation "maybe" .'),
    "company-dissolved": ("J", [], 'case:$ID-debtor ekg:dissolvedAssetsDistributed "maybe" .'),
    "company-listed": ("J", [], 'case:$ID-debtor ekg:listedCompany "maybe" .'),
    "company-facts-on-company-only": ("D", [], "case:$ID-debtor ekg:listedCompany true ."),
    "partnership-facts-on-partnership-only": ("J", [], "case:$ID-debtor ekg:generalPartner case:$ID-applicant ."),
    "partnership-general-partner": ("P", [("-debtor", "ekg:generalPartner")], ""),
    "partnership-limited-partner": ("P", [], "case:$ID-debtor ekg:limitedPartner case:$ID-act ."),
    "partner-name": ("P", [("-gp", "schema:name")], ""),
    "partner-unpaid": ("P", [], 'case:$ID-lp ekg:contributionUnpaid "yes" .'),
    "partner-unpaid-amount": ("P", [], 'case:$ID-lp ekg:unpaidContributionAmount "lots" .'),
    "instrument-date-effective": ("J", [("-judgment", "ekg:dateEffective")], ""),
    "instrument-date-rendered": ("J", [("-judgment", "ekg:dateRendered")], 'case:$ID-judgment ekg:dateRendered "March 2023" .'),
    "instrument-rendered-before-effective": ("J", [("-judgment", "ekg:dateRendered")],
                                             'case:$ID-judgment ekg:dateRendered "2023-05-01"^^xsd:date .'),
    "instrument-case-number": ("J", [], "case:$ID-judgment ekg:caseNumber 42 ."),
    "instrument-issued-by": ("J", [], "case:$ID-judgment ekg:issuedBy case:$ID-asset ."),
    "instrument-issuing-body-name": ("J", [], "case:$ID-judgment ekg:issuingBodyName 5 ."),
    "instrument-country": ("J", [("-judgment", "ekg:countryOfOrigin")], "case:$ID-judgment ekg:countryOfOrigin ekgid:asset-equity ."),
    "instrument-seat": ("A", [("-award", "ekg:seat")], "case:$ID-award ekg:seat ekgid:asset-equity ."),
    "instrument-amount": ("J", [("-judgment", "ekg:amountAwarded")], 'case:$ID-judgment ekg:amountAwarded "lots" .'),
    "instrument-currency": ("J", [("-judgment", "ekg:amountCurrency")], 'case:$ID-judgment ekg:amountCurrency "usd" .'),
    "instrument-punitive-amount": ("J", [], 'case:$ID-judgment ekg:punitiveAmount "-1"^^xsd:decimal .'),
    "instrument-punitive-within-amount": ("J", [], 'case:$ID-judgment ekg:punitiveAmount "9000000.00"^^xsd:decimal .'),
    "instrument-actual-loss": ("J", [], 'case:$ID-judgment ekg:actualLossAmount "x" .'),
    "instrument-default": ("J", [("-judgment", "ekg:renderedInDefault")], 'case:$ID-judgment ekg:renderedInDefault "no" .'),
    "instrument-service-method": ("J", [], "case:$ID-judgment ekg:serviceMethod ekgid:asset-equity ."),
    "instrument-service-date": ("J", [], 'case:$ID-judgment ekg:serviceDate "x" .'),
    "instrument-hearing-date": ("J", [], 'case:$ID-judgment ekg:hearingDate "x" .'),
    "instrument-served-on-debtor": ("J", [], 'case:$ID-judgment ekg:instrumentServiceDate "x" .'),
    "instrument-final": ("J", [("-judgment", "ekg:isFinal")], 'case:$ID-judgment ekg:isFinal "final" .'),
    "instrument-commercial": ("A", [("-award", "ekg:commercialRelationship")], 'case:$ID-award ekg:commercialRelationship "yes" .'),
    "instrument-investor-state": ("A", [("-award", "ekg:investorStateDispute")], 'case:$ID-award ekg:investorStateDispute "no" .'),
    "instrument-penal": ("J", [], 'case:$ID-judgment ekg:includesPenalContent "no" .'),
    "instrument-arbitration-agreement": ("J", [], 'case:$ID-judgment ekg:validArbitrationAgreement "no" .'),
    "instrument-arbitration-waived": ("J", [], 'case:$ID-judgment ekg:arbitrationRightWaived "no" .'),
    "instrument-conflicting-judgment": ("J", [], 'case:$ID-judgment ekg:conflictingJudgmentExists "no" .'),
    "instrument-prior-refusal": ("J", [], 'case:$ID-judgment ekg:priorRefusalForNonReciprocity "no" .'),
    "foreign-instrument-country-required": ("J", [("-judgment", "ekg:countryOfOrigin")], ""),
    "foreign-instrument-country-is-state": ("J", [("-judgment", "ekg:countryOfOrigin")],
                                            "case:$ID-judgment ekg:countryOfOrigin ekgid:region-hk ."),
    "foreign-instrument-finality-stated": ("J", [("-judgment", "ekg:isFinal")], ""),
    "foreign-instrument-default-stated": ("J", [("-judgment", "ekg:renderedInDefault")], ""),
    "criminal-damages-penal-stated": ("J", [("-judgment", "rdf:type")], "case:$ID-judgment a ekg:ForeignCriminalCaseCivilDamagesAward ."),
    "macau-judgment-origin": ("J", [("-judgment", "rdf:type")], "case:$ID-judgment a ekg:MacauJudgment ."),
    "taiwan-judgment-origin": ("J", [("-judgment", "rdf:type")], "case:$ID-judgment a ekg:TaiwanJudgment ."),
    "award-seat-required": ("A", [("-award", "ekg:seat")], ""),
    "award-commercial-stated": ("A", [("-award", "ekg:commercialRelationship")], ""),
    "foreign-award-seat-is-state": ("A", [("-award", "ekg:seat")], "case:$ID-award ekg:seat ekgid:region-hk ."),
    "regional-award-seat": ("A", [("-award", "rdf:type")], "case:$ID-award a ekg:HongKongArbitralAward ."),
    "macau-award-seat": ("A", [("-award", "rdf:type")], "case:$ID-award a ekg:MacauArbitralAward ."),
    "taiwan-award-seat": ("A", [("-award", "rdf:type")], "case:$ID-award a ekg:TaiwanArbitralAward ."),
    "domestic-award-seat": ("A", [("-award", "rdf:type")], "case:$ID-award a ekg:DomesticArbitralAward ."),
    "payment-order-service-stated": ("D", [("-order", "ekg:instrumentServiceDate")], ""),
    "payment-order-objection-fact": ("D", [("-order", "ekg:writtenObjectionFiled")], 'case:$ID-order ekg:writtenObjectionFiled "no" .'),
    "notarised-consent-stated": ("N", [("-deed", "ekg:debtorConsentedToEnforcement")], ""),
    "notarised-obligation-fact": ("N", [], 'case:$ID-deed ekg:specifiesPaymentObligation "yes" .'),
    "notarised-scope-fact": ("N", [], 'case:$ID-deed ekg:outsideNotarisableScope "no" .'),
    "application-kind": ("J", [("-recognition", "rdf:type")], ""),
    "application-court": ("J", [("-recognition", "ekg:filedWith")], ""),
    "application-filing-date": ("J", [("-recognition", "ekg:filingDate")], ""),
    "application-objects-time-limit": ("J", [], 'case:$ID-recognition ekg:debtorObjectsToTimeLimit "no" .'),
    "recognition-basis": ("J", [("-recognition", "ekg:claimedBasis")], ""),
    "preservation-security": ("A", [("-preservation", "ekg:securityProvided")], "case:$ID-preservation ekg:securityProvided false ."),
    "security-only-on-preservation": ("J", [], "case:$ID-recognition ekg:securityProvided true ."),
    "basis-only-on-recognition": ("A", [], "case:$ID-preservation ekg:claimedBasis ekgid:basis-new-york-convention ."),
    "asset-class": ("J", [("-asset", "ekg:assetClass")], ""),
    "asset-value": ("J", [("-asset", "ekg:assetValue")], 'case:$ID-asset ekg:assetValue "x" .'),
    "asset-location": ("J", [], "case:$ID-asset ekg:assetLocation 5 ."),
    "asset-holder": ("J", [], "case:$ID-asset ekg:assetHolder case:$ID-recognition ."),
    "conduct-date": ("P", [("-act", "ekg:conductDate")], ""),
    "conduct-discovery-date": ("P", [], 'case:$ID-act ekg:discoveryDate "x" .'),
    "conduct-amount": ("P", [], 'case:$ID-act ekg:conductAmount "x" .'),
    "conduct-counterparty": ("P", [], "case:$ID-act ekg:conductCounterparty case:$ID-award ."),
    "conduct-actor": ("P", [], "case:$ID-act ekg:conductActor case:$ID-award ."),
    # SPARQL checks not already shown by an example file
    "application-objects-time-limit-and-late": ("J", [("-recognition", "ekg:filingDate")],
                                                 'case:$ID-recognition ekg:filingDate "2025-06-02"^^xsd:date .'),
}
EXPECTED_EXTRA = {"application-objects-time-limit-and-late": "filed-after-time-limit"}

CASE = "https://w3id.org/enforcekg/case/"
CURIES = {"ekg": str(EKG), "rdf": str(RDF), "schema": "https://schema.org/"}


def _matter(base: str, matter_id: str) -> str:
    return BASES[base].replace("$ID", matter_id)


def _mutated(code: str) -> Graph:
    base, drops, add = MUTATIONS[code]
    matter_id = f"T-{code}"
    graph = Graph().parse(data=PREFIXES + _matter(base, matter_id), format="turtle")
    for suffix, curie in drops:
        prefix, local = curie.split(":")
        graph.remove((URIRef(CASE + matter_id + suffix), URIRef(CURIES[prefix] + local), None))
    if add:
        graph.parse(data=PREFIXES + add.replace("$ID", matter_id), format="turtle")
    return graph


def mutation_batch() -> Graph:
    """Every mutated matter and every (valid) base matter, in one graph."""
    batch = Graph()
    for code in MUTATIONS:
        batch += _mutated(code)
    for base in BASES:
        batch += Graph().parse(data=PREFIXES + _matter(base, f"BASE-{base}"), format="turtle")
    return batch


@pytest.fixture(scope="module")
def mutation_results():
    """All mutated matters validated in one batch (fast engine): matter id -> set of codes."""
    batch = mutation_batch()
    _, report, _ = validate(batch)
    from enforcekg.intake import CaseData, to_oxigraph
    from enforcekg.report import build_rows
    case = CaseData(triples=to_oxigraph(batch))
    found = defaultdict(set)
    for row in build_rows(report, case):
        found[row["matter"]].add((row["code"], row["severity"]))
    return found


@pytest.mark.parametrize("base", sorted(BASES))
def test_base_matter_raises_no_violation(mutation_results, base):
    violations = {code for code, severity in mutation_results.get(f"BASE-{base}", set()) if severity == "Violation"}
    assert not violations, violations


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_mutation_breaks_its_shape(mutation_results, code):
    expected = EXPECTED_EXTRA.get(code, code)
    codes = {c for c, _ in mutation_results.get(f"T-{code}", set())}
    assert expected in codes, f"{code}: got {sorted(codes)}"


def _constrained_shapes(graph: Graph) -> set[str]:
    """Shapes (by code) that carry a constraint of their own, not just sh:property links."""
    parameters = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.pattern, SH["or"], SH["not"],
                  SH.lessThanOrEquals, SH.minInclusive, SH.sparql, SH.minLength}
    codes = set()
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)):
        if any(graph.value(shape, p) is not None for p in parameters):
            codes.add(str(shape).removeprefix(EKGSH))
    return codes


def test_every_shape_is_seen_failing():
    with open(EXAMPLES_DIR / "manifest.csv", encoding="utf-8") as handle:
        from_examples = {code for row in csv.DictReader(handle) for code in row["expect_codes"].split("|") if code}
    shown = from_examples | set(MUTATIONS) | set(EXPECTED_EXTRA.values())
    missing = _constrained_shapes(shapes_graph()) - shown
    assert not missing, f"shapes never seen failing: {sorted(missing)}"


# --- the shapes files themselves --------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_file_parses_on_its_own(path):
    assert len(Graph().parse(path, format="turtle")) > 0


def test_every_check_has_severity_bilingual_message_and_source():
    graph = shapes_graph()
    for code in _constrained_shapes(graph):
        shape = URIRef(EKGSH + code)
        assert graph.value(shape, SH.severity) is not None, code
        holders = [shape] + list(graph.objects(shape, SH.sparql))
        languages = {m.language for h in holders for m in graph.objects(h, SH.message)}
        assert {"en", "zh"} <= languages, code
        assert list(graph.objects(shape, DCTERMS.source)), code


def test_shape_sources_exist_in_the_graph(shipped_graph):
    graph = shapes_graph()
    for shape, source in graph.subject_objects(DCTERMS.source):
        assert (source, RDF.type, None) in shipped_graph, f"{shape}: unknown source {source}"


def test_sparql_constraints_compile_set_based_and_avoid_what_pyshacl_refuses():
    graph = shapes_graph()
    assert len(sparql_constraints()) >= 25
    for constraint in graph.objects(None, SH.sparql):
        select = str(graph.value(constraint, SH.select))
        assert not re.search(r"\b(VALUES|MINUS|SERVICE)\b", select), select[:60]
        query, variables = compile_select(select, ["?this a ?anything ."], "")
        assert "this" in variables and "$this" not in query


def test_messages_name_only_projected_variables():
    """Regression: {?sections} stayed in the text because aggregate aliases were not seen as projected."""
    from enforcekg.shapes import _TEMPLATE_VAR
    for c in sparql_constraints():
        for message in c.messages:
            for var in _TEMPLATE_VAR.findall(str(message)):
                assert var in c.variables, f"{c.shape}: {{?{var}}} is not projected"


# --- the case model --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def case_model():
    return Graph().parse(ONTOLOGY_DIR / "case.ttl", format="turtle")


def test_case_terms_are_fully_annotated(case_model):
    from rdflib.namespace import OWL
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    terms = {s for k in kinds for s in case_model.subjects(RDF.type, k) if str(s).startswith("https://w3id.org/enforcekg/")}
    assert len(terms) > 100
    for term in terms:
        labels = [l.language for l in case_model.objects(term, RDFS.label)]
        assert sorted(labels) == ["en", "zh"], term
        assert [d.language for d in case_model.objects(term, SKOS.definition)] == ["en"], term
        assert list(case_model.objects(term, DCTERMS.source)), term
        if (term, RDF.type, OWL.Class) in case_model:
            assert case_model.value(term, RDFS.subClassOf) is not None, term


def test_every_condition_can_be_derived_from_case_facts(case_model, shipped_graph):
    """Rules derive ekg:satisfiesCondition from facts: every condition must be linked to a case fact."""
    conditions = set(shipped_graph.subjects(RDF.type, EKG.Condition))
    links = (EKG.conditionWhenTrue, EKG.conditionWhenFalse, EKG.indicatesCondition, EKG.bearsOnCondition)
    linked = {o for p in links for o in case_model.objects(None, p)}
    assert conditions, "no conditions in the graph"
    assert not conditions - linked, sorted(str(c) for c in conditions - linked)


def test_case_model_labels_do_not_clash_with_the_rest_of_the_graph(case_model, shipped_graph):
    mine = {(str(l).lower(), l.language): s for s, l in case_model.subject_objects(RDFS.label)}
    for s, label in shipped_graph.subject_objects(RDFS.label):
        owner = mine.get((str(label).lower(), label.language))
        assert owner is None or owner == s, f"{label!r} is used by {owner} and {s}"
