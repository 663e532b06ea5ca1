"""SHACL Core compiled to set-based SPARQL (``enforcekg.shacl_core``) gives exactly pySHACL's results.

Each comparison validates the same case data twice: with pySHACL on Core (over ``validate.reference_graph``)
and with the compiled queries on the pyoxigraph store ``validate.case_store`` builds (the shipped
graph, the case data, every superclass type materialised). Every result must match: focus node,
path, value, severity, source shape, constraint component and messages, as often as pySHACL gives it.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH
from test_shapes import PREFIXES, mutation_batch
from test_validate import READABLE

from enforcekg import validate as engine
from enforcekg.intake import CaseData, read_files
from enforcekg.paths import EXAMPLES_DIR
from enforcekg.shacl_core import UnsupportedShapeError, compile_core, sparql_path
from enforcekg.shapes import (all_constraints, core_shapes_graph, restore_literals, run_sparql_constraints,
                              sparql_constraints)

CASE = "https://w3id.org/enforcekg/case/"
EX = "https://example.org/shapes#"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed XSD namespace warns when pytest inspects it
SHAPE_PREFIXES = PREFIXES + """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/shapes#> .
"""


def _compiled(case, shapes: Graph) -> Graph:
    report = Graph()
    run_sparql_constraints(engine.case_store(case), report, compile_core(shapes))
    restore_literals(report, case.triples)
    return report


def _pyshacl(case, shapes: Graph) -> Graph:
    return engine._pyshacl(engine.reference_graph(case), shapes, rules=True)


def _results(report: Graph, subjects) -> Counter:
    """The results about case nodes (those the report keeps), comparable across engines."""
    found = Counter()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        if focus in subjects:
            path = report.value(r, SH.resultPath)
            found[(focus, sparql_path(report, path) if isinstance(path, BNode) else path, report.value(r, SH.value),
                   report.value(r, SH.resultSeverity), report.value(r, SH.sourceShape),
                   report.value(r, SH.sourceConstraintComponent),
                   frozenset((m.language, str(m)) for m in report.objects(r, SH.resultMessage)))] += 1
    return found


def _same_as_pyshacl(case, shapes: Graph | None = None) -> Counter:
    shapes = core_shapes_graph() if shapes is None else shapes
    expected = _results(_pyshacl(case, shapes), case.subjects())
    got = _results(_compiled(case, shapes), case.subjects())
    assert got == expected, f"missing {sorted(map(str, expected - got))}\nextra {sorted(map(str, got - expected))}"
    return got


def _check(shapes_ttl: str, data_ttl: str) -> dict:
    """Compare both engines on small shapes and data (read as the intake reads Turtle).

    Returns {(shape, component): Counter of (focus, value)}.
    """
    shapes = Graph().parse(data=SHAPE_PREFIXES + shapes_ttl, format="turtle")
    case = CaseData(triples=[q.triple for q in ox.parse((SHAPE_PREFIXES + data_ttl).encode(), format=ox.RdfFormat.TURTLE)])
    found: dict = {}
    for (focus, _, value, _, shape, component, _), n in _same_as_pyshacl(case, shapes).items():
        key = (str(shape).removeprefix(EX), str(component).removeprefix(str(SH)))
        found.setdefault(key, Counter())[(str(focus).removeprefix(CASE), value)] += n
    return found


# --- the shipped shapes, on the examples and the mutations of test_shapes --------------------------

@pytest.mark.parametrize("row", READABLE, ids=lambda r: r["file"])
def test_examples_give_pyshacls_core_results(row):
    _same_as_pyshacl(read_files([EXAMPLES_DIR / row["file"]]))


def test_mutated_matters_give_pyshacls_core_results():
    results = _same_as_pyshacl(engine._as_case_data(mutation_batch()))
    assert sum(results.values()) > 100
    components = {key[5] for key in results}
    assert {SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent, SH.DatatypeConstraintComponent,
            SH.ClassConstraintComponent, SH.InConstraintComponent, SH.MinInclusiveConstraintComponent,
            SH.PatternConstraintComponent, SH.LessThanOrEqualsConstraintComponent} <= components


def test_reported_values_keep_their_written_lexical_form():
    """Regression: the store gave "9000000"^^xsd:decimal back for "9000000.00", so sh:value differed from pySHACL's."""
    found = _check("""
ex:within a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ekg:punitiveAmount ;
    sh:lessThanOrEquals ekg:amountAwarded ; sh:message "too much"@en .""", """
case:M1 a ekg:Matter ; ekg:punitiveAmount "9000000.00"^^xsd:decimal ; ekg:amountAwarded "8500000.0"^^xsd:decimal .""")
    assert found == {("within", "LessThanOrEqualsConstraintComponent"):
                     Counter({("M1", Literal("9000000.00", datatype=XSD.decimal)): 1})}


# --- the tricky parts of the semantics --------------------------------------------------------------

def test_xsd_string_accepts_plain_and_typed_strings_but_not_language_strings_or_numbers():
    found = _check("""
ex:text a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:text ; sh:datatype xsd:string ; sh:message "text"@en .
ex:label a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:label ; sh:datatype rdf:langString ; sh:message "label"@en .""", """
case:M1 a ekg:Matter ; ex:text "plain" , "typed"^^xsd:string , "tagged"@en , 5 ; ex:label "tagged"@en , "plain" .""")
    assert found == {("text", "DatatypeConstraintComponent"): Counter({("M1", Literal("tagged", lang="en")): 1,
                                                                      ("M1", Literal(5)): 1}),
                     ("label", "DatatypeConstraintComponent"): Counter({("M1", Literal("plain")): 1})}


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_ill_typed_literal_violates_its_own_datatype():
    found = _check("""
ex:date a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:date ; sh:datatype xsd:date ; sh:message "date"@en .
ex:amount a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:amount ; sh:datatype xsd:decimal ; sh:message "amount"@en .
ex:flag a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:flag ; sh:datatype xsd:boolean ; sh:message "flag"@en .""", """
case:M1 a ekg:Matter ; ex:date "2024-02-30"^^xsd:date , "March 2023"^^xsd:date , "2024-02-03"^^xsd:date ;
    ex:amount "x"^^xsd:decimal , "12.50"^^xsd:decimal ; ex:flag "yes"^^xsd:boolean , true , "1"^^xsd:boolean .""")
    assert found == {
        ("date", "DatatypeConstraintComponent"): Counter({("M1", Literal("2024-02-30", datatype=XSD.date)): 1,
                                                         ("M1", Literal("March 2023", datatype=XSD.date)): 1}),
        ("amount", "DatatypeConstraintComponent"): Counter({("M1", Literal("x", datatype=XSD.decimal)): 1}),
        # rdflib, and so pySHACL's report, writes the ill-typed "yes"^^xsd:boolean as "false"
        ("flag", "DatatypeConstraintComponent"): Counter({("M1", Literal("yes", datatype=XSD.boolean)): 1})}


def test_class_accepts_instances_of_subclasses():
    found = _check("""
ex:party a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ekg:applicant ; sh:class ekg:Party ; sh:message "party"@en .""", """
case:M1 a ekg:Matter ; ekg:applicant case:company , case:person , case:asset , "a name" .
case:company a ekg:Company . case:person a ekg:NaturalPerson . case:asset a ekg:Asset .""")
    assert found == {("party", "ClassConstraintComponent"): Counter({("M1", URIRef(CASE + "asset")): 1,
                                                                    ("M1", Literal("a name")): 1})}


def test_not_in_reports_the_excluded_values():
    found = _check("""
ex:seat a sh:PropertyShape ; sh:targetClass ekg:ForeignArbitralAward ; sh:path ekg:seat ;
    sh:not [ sh:in ( ekgid:country-cn ekgid:region-hk ) ] ; sh:message "seat"@en .""", """
case:A1 a ekg:ForeignArbitralAward ; ekg:seat ekgid:country-cn , ekgid:country-fr .
case:A2 a ekg:ForeignArbitralAward ; ekg:seat ekgid:region-hk .""")
    assert found == {("seat", "NotConstraintComponent"): Counter({("A1", URIRef("https://w3id.org/enforcekg/id/country-cn")): 1,
                                                                 ("A2", URIRef("https://w3id.org/enforcekg/id/region-hk")): 1})}


def test_less_than_or_equals_reports_every_failing_pair():
    found = _check("""
ex:order a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:start ; sh:lessThanOrEquals ex:end ; sh:message "order"@en .""", """
case:M1 a ekg:Matter ; ex:start "2024-01-10"^^xsd:date , "2024-03-01"^^xsd:date , "soon" ;
    ex:end "2024-02-01"^^xsd:date , "2024-02-15"^^xsd:date .
case:M2 a ekg:Matter ; ex:start 3 ; ex:end 3 .""")
    assert found == {("order", "LessThanOrEqualsConstraintComponent"): Counter({
        ("M1", Literal("2024-03-01", datatype=XSD.date)): 2, ("M1", Literal("soon")): 2})}


def test_other_core_components_paths_and_targets():
    found = _check("""
ex:counts a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:tag ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "counts"@en .
ex:ranges a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:score ;
    sh:minExclusive 0 ; sh:maxInclusive 10 ; sh:maxExclusive 9.5 ; sh:message "ranges"@en .
ex:strings a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:code ;
    sh:maxLength 3 ; sh:pattern "^ab" ; sh:flags "i" ; sh:nodeKind sh:Literal ; sh:message "strings"@en .
ex:pairs a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:low ;
    sh:lessThan ex:high ; sh:equals ex:same ; sh:disjoint ex:other ; sh:message "pairs"@en .
ex:has a sh:PropertyShape ; sh:targetNode case:M2 ; sh:path ex:tag ; sh:hasValue "v" ; sh:message "has"@en .
ex:logic a sh:PropertyShape ; sh:targetSubjectsOf ex:kind ; sh:path ex:kind ;
    sh:or ( [ sh:in ( "a" ) ] [ sh:datatype xsd:integer ] ) ;
    sh:xone ( [ sh:datatype xsd:integer ] [ sh:minInclusive 3 ] ) ;
    sh:and ( [ sh:nodeKind sh:Literal ] [ sh:minLength 1 ] ) ; sh:message "logic"@en .
ex:named a sh:NodeShape ; sh:targetClass ekg:Party ; sh:and ( ex:has-name ) ; sh:property ex:one-name ; sh:message "named"@en .
ex:has-name a sh:NodeShape ; sh:property [ sh:path schema:name ; sh:minCount 1 ] .
ex:one-name a sh:PropertyShape ; sh:path schema:name ; sh:maxCount 1 ; sh:message "one name"@en .
ex:tagged-matters a sh:PropertyShape ; sh:targetClass ekg:Company ; sh:path ( [ sh:inversePath ekg:debtor ] ex:tag ) ;
    sh:minCount 1 ; sh:message "tagged"@en .
ex:debtor-of a sh:PropertyShape ; sh:targetClass ekg:Company ; sh:path [ sh:inversePath ekg:debtor ] ;
    sh:maxCount 1 ; sh:class ekg:Matter ; sh:message "debtor of"@en .
ex:reach a sh:PropertyShape ; sh:targetClass ekg:Company ;
    sh:path [ sh:alternativePath ( [ sh:inversePath ekg:debtor ] [ sh:zeroOrMorePath ex:next ] ) ] ;
    sh:maxCount 2 ; sh:message "reach"@en .
ex:iri a sh:NodeShape ; sh:targetObjectsOf ex:ref ; sh:nodeKind sh:IRI ; sh:message "iri"@en .
ex:Listed a rdfs:Class , sh:NodeShape ; sh:in ( case:ok ) ; sh:message "implicit"@en .
ex:off a sh:PropertyShape ; sh:targetClass ekg:Matter ; sh:path ex:tag ; sh:minCount 9 ; sh:deactivated true ; sh:message "off"@en .""", """
case:M1 a ekg:Matter ; ex:tag "x" ; ex:score 0 , 5 , 9.7 , 12 , "x" ; ex:code "ABc" , "abcd" , "xyz" , case:c , "ab"@en ;
    ex:low 1 , 5 ; ex:high 4 ; ex:same 1 ; ex:other 5 ; ex:ref [ ex:tag "x" ] ; ekg:debtor case:co .
case:M2 a ekg:Matter ; ex:tag "x" , "y" , "z" , "w" ; ex:kind "a" , 5 , "b" , 1 , 4.5 , "" ; ekg:debtor case:co .
case:co a ekg:Company ; schema:name "Co" , "Company" .
case:pp a ekg:NaturalPerson .
case:ok a ex:Listed . case:bad a ex:Listed .""")
    assert found[("counts", "MinCountConstraintComponent")] == Counter({("M1", None): 1})
    assert found[("counts", "MaxCountConstraintComponent")] == Counter({("M2", None): 1})
    assert set(found[("ranges", "MinExclusiveConstraintComponent")]) == {("M1", Literal(0)), ("M1", Literal("x"))}
    assert set(found[("ranges", "MaxExclusiveConstraintComponent")]) == {
        ("M1", Literal("9.7", datatype=XSD.decimal)), ("M1", Literal(12)), ("M1", Literal("x"))}
    assert set(found[("strings", "PatternConstraintComponent")]) == {("M1", Literal("xyz")), ("M1", URIRef(CASE + "c"))}
    assert set(found[("pairs", "LessThanConstraintComponent")]) == {("M1", Literal(5))}
    assert set(found[("pairs", "EqualsConstraintComponent")]) == {("M1", Literal(5))}
    assert set(found[("pairs", "DisjointConstraintComponent")]) == {("M1", Literal(5))}
    assert found[("has", "HasValueConstraintComponent")] == Counter({("M2", None): 1})
    assert set(found[("logic", "OrConstraintComponent")]) == {
        ("M2", Literal("b")), ("M2", Literal("4.5", datatype=XSD.decimal)), ("M2", Literal(""))}
    assert set(found[("logic", "XoneConstraintComponent")]) == {
        ("M2", Literal("a")), ("M2", Literal(5)), ("M2", Literal("b")), ("M2", Literal(""))}
    assert set(found[("logic", "AndConstraintComponent")]) == {("M2", Literal(""))}
    assert set(found[("named", "AndConstraintComponent")]) == {("pp", URIRef(CASE + "pp"))}
    assert set(found[("one-name", "MaxCountConstraintComponent")]) == {("co", None)}
    assert found[("debtor-of", "MaxCountConstraintComponent")] == Counter({("co", None): 1})
    assert ("tagged-matters", "MinCountConstraintComponent") not in found
    assert found[("reach", "MaxCountConstraintComponent")] == Counter({("co", None): 1})
    assert len(found[("iri", "NodeKindConstraintComponent")]) == 1
    assert set(found[("Listed", "InConstraintComponent")]) == {("bad", URIRef(CASE + "bad"))}
    assert not any(shape == "off" for shape, _ in found)


@pytest.mark.parametrize("shape, component", [
    ("ex:s sh:targetClass ekg:Matter ; sh:closed true .", "sh:ClosedConstraintComponent"),
    ("ex:s sh:targetClass ekg:Matter ; sh:path ex:p ; sh:languageIn ( \"en\" ) .", "sh:LanguageInConstraintComponent"),
    ("ex:s sh:targetClass ekg:Matter ; sh:path ex:p ; sh:not [ sh:path ex:q ; sh:uniqueLang true ] .",
     "sh:UniqueLangConstraintComponent"),
    ("ex:s sh:targetClass ekg:Matter ; sh:lessThan ex:q .", "sh:LessThanConstraintComponent"),
    ("ex:s sh:targetClass ekg:Matter ; sh:node [ sh:nodeKind sh:IRI ] .", "sh:NodeConstraintComponent"),
    ("ex:s sh:targetClass ekg:Matter ; sh:path ex:p ; sh:datatype xsd:date , xsd:string .", "sh:DatatypeConstraintComponent"),
])
def test_a_shape_the_compiler_cannot_compile_raises_naming_shape_and_component(shape, component):
    shapes = Graph().parse(data=SHAPE_PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShapeError, match=r"shape <https://example.org/shapes#s>: .*" + component):
        compile_core(shapes)


def test_an_unreadable_path_raises_naming_the_shape():
    shapes = Graph().parse(data=SHAPE_PREFIXES + "ex:s sh:targetClass ekg:Matter ; sh:path [ ex:odd ex:p ] ; sh:minCount 1 .",
                           format="turtle")
    with pytest.raises(UnsupportedShapeError, match=r"shape <https://example.org/shapes#s>: sh:path: cannot read"):
        compile_core(shapes)


# --- running them -----------------------------------------------------------------------------------

def test_all_constraints_are_the_compiled_core_then_the_sparql_checks():
    constraints = all_constraints()
    core = compile_core(core_shapes_graph())
    assert [c.query for c in constraints] == [c.query for c in core] + [c.query for c in sparql_constraints()]
    assert all(c.constraint is None and c.component != SH.SPARQLConstraintComponent for c in core)
    assert len(core) > 150 and all_constraints() is constraints


def test_core_results_name_no_sparql_constraint_and_counts_have_no_value():
    case = read_files([EXAMPLES_DIR / "m14-structure-errors.ttl"])
    report = _compiled(case, core_shapes_graph())
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    assert results and not list(report.objects(None, SH.sourceConstraint))
    for r in results:
        counted = report.value(r, SH.sourceConstraintComponent) in (SH.MinCountConstraintComponent,
                                                                    SH.MaxCountConstraintComponent)
        assert (report.value(r, SH.value) is None) == counted
        assert {m.language for m in report.objects(r, SH.resultMessage)} == {"en", "zh"}
