"""`enforcekg validate`: every example behaves as its manifest says, on both engines, in every format."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from enforcekg import validate as engine
from enforcekg.cli import main
from enforcekg.intake import read_files
from enforcekg.paths import EXAMPLES_DIR
from enforcekg.report import build_rows
from enforcekg.validate import validate

with open(EXAMPLES_DIR / "manifest.csv", encoding="utf-8") as _handle:
    MANIFEST = list(csv.DictReader(_handle))
READABLE = [row for row in MANIFEST if row["expect_exit"] != "2"]
UNREADABLE = [row for row in MANIFEST if row["expect_exit"] == "2"]


def _run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def _results(report: Graph) -> Counter:
    """The results of a report, comparable across engines."""
    found = Counter()
    for r in report.objects(None, SH.result):
        shape = report.value(r, SH.sourceShape)
        found[(report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.value),
               report.value(r, SH.resultSeverity), shape if not isinstance(shape, BNode) else None,
               frozenset((m.language, str(m)) for m in report.objects(r, SH.resultMessage)),
               frozenset(report.objects(r, DCTERMS.source)))] += 1
    return found


def test_manifest_lists_every_example_file():
    listed = {row["file"] for row in MANIFEST}
    present = {str(p.relative_to(EXAMPLES_DIR)) for p in EXAMPLES_DIR.rglob("*") if p.is_file() and p.name != "manifest.csv"}
    assert listed == present
    assert len({row["file"] for row in READABLE}) >= 12
    formats = {row["file"].rsplit(".", 1)[-1] for row in READABLE}
    assert formats == {"ttl", "jsonld", "csv"}
    assert any(r["expect_conforms"] == "true" for r in READABLE) and any(r["expect_conforms"] == "false" for r in READABLE)


@pytest.mark.parametrize("row", READABLE, ids=lambda r: r["file"])
def test_example_behaves_as_declared(row):
    case = read_files([EXAMPLES_DIR / row["file"]])
    conforms, report = engine.finish_report(engine._fast(case), case)
    codes = {r["code"] for r in build_rows(report, case)}
    assert conforms == (row["expect_conforms"] == "true")
    assert codes == {c for c in row["expect_codes"].split("|") if c}


@pytest.mark.parametrize("row", READABLE, ids=lambda r: r["file"])
def test_fast_and_reference_engines_agree(row):
    case = read_files([EXAMPLES_DIR / row["file"]])
    fast_conforms, fast = engine.finish_report(engine._fast(case), case)
    ref_conforms, ref = engine.finish_report(engine._reference(case), case)
    assert fast_conforms == ref_conforms
    assert _results(fast) == _results(ref)


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["file"])
def test_exit_code(capsys, row):
    code, out, err = _run(capsys, EXAMPLES_DIR / row["file"])
    assert code == int(row["expect_exit"])
    if code == 2:
        assert out == "" and re.match(r"^\S+:\d+:\d+: ", err)
    else:
        assert err == ""


def test_unreadable_file_among_good_ones_writes_nothing(capsys):
    good, bad = EXAMPLES_DIR / READABLE[0]["file"], EXAMPLES_DIR / UNREADABLE[0]["file"]
    code, out, err = _run(capsys, good, bad, "--format", "json")
    assert code == 2 and out == "" and str(bad) in err


def test_every_result_carries_severity_messages_focus_path_and_source():
    _, report, _ = validate([EXAMPLES_DIR / r["file"] for r in READABLE if r["expect_conforms"] == "false"])
    results = list(report.objects(None, SH.result))
    assert len(results) > 50
    for r in results:
        assert report.value(r, SH.resultSeverity) in (SH.Violation, SH.Warning, SH.Info)
        assert {m.language for m in report.objects(r, SH.resultMessage)} == {"en", "zh"}
        assert report.value(r, SH.focusNode) is not None
        assert list(report.objects(r, DCTERMS.source))
        for m in report.objects(r, SH.resultMessage):
            assert not re.search(r"\{[?$]\w+\}", str(m)), str(m)


def test_most_results_name_the_field():
    _, report, _ = validate([EXAMPLES_DIR / r["file"] for r in READABLE])
    results = list(report.objects(None, SH.result))
    with_path = [r for r in results if report.value(r, SH.resultPath) is not None]
    assert len(with_path) / len(results) > 0.9


def test_public_validate_returns_conforms_report_and_text():
    conforms, report, text = validate(EXAMPLES_DIR / "m04-missing-translation.ttl")
    assert conforms is False and isinstance(report, Graph)
    assert "Matter M-12" in text and "Chinese translation" in text and "ekgid:doc-fj-chinese-translation" in text
    conforms, _, text = validate(EXAMPLES_DIR / "m01-uk-judgment-valid.ttl")
    assert conforms is True and "1 conform" in text


def test_validate_accepts_an_rdflib_graph():
    graph = Graph().parse(EXAMPLES_DIR / "m04-missing-translation.ttl")
    conforms, report, _ = validate(graph, engine="fast")
    assert conforms is False and len(list(report.objects(None, SH.result))) == 2


@pytest.mark.parametrize("fmt", ["human", "table", "json", "turtle"])
def test_output_formats(capsys, fmt):
    code, out, _ = _run(capsys, EXAMPLES_DIR / "m05-default-judgment-no-proof-of-service.ttl", "--format", fmt)
    assert code == 1
    if fmt == "json":
        data = json.loads(out)
        assert data["conforms"] is False and data["matters"][0]["matter"] == "M-05"
        assert {r["code"] for r in data["results"]} >= {"conditional-document-missing", "ground-made-out"}
        assert all(r["sources"] and r["message_en"] and r["message_zh"] for r in data["results"])
    elif fmt == "turtle":
        report = Graph().parse(data=out, format="turtle")
        assert len(list(report.objects(None, SH.result))) == 4
    elif fmt == "table":
        assert re.split(r"\s*\|\s*", out.splitlines()[0]) == ["matter", "severity", "focus", "path", "code", "sources", "message"]
    else:
        assert out.index("[Violation]") < out.index("[Warning]")


def test_chinese_messages(capsys):
    code, out, _ = _run(capsys, EXAMPLES_DIR / "m04-missing-translation.ttl", "--lang", "zh")
    assert code == 1 and "承认和执行申请缺少申请材料（外国判决）：中文译本" in out and "违规" in out


def test_human_report_groups_by_matter_then_severity(capsys):
    _, out, _ = _run(capsys, EXAMPLES_DIR / "m13-sequence-and-content-errors.ttl")
    headings = [line for line in out.splitlines() if line.startswith("Matter ")]
    assert [h.split()[1] for h in headings] == ["M-13A", "M-13B", "M-13C", "M-13D"]
    block = out[out.index("Matter M-13A"):out.index("Matter M-13B")]
    severities = re.findall(r"\[(Violation|Warning|Note)\]", block)
    assert severities == sorted(severities, key=["Violation", "Warning", "Note"].index)


def test_warnings_alone_still_conform(capsys):
    """The two-year limit only bites if the debtor objects: a late filing is a warning, exit 0."""
    path = EXAMPLES_DIR / "m08-late-filing.ttl"
    case = read_files([path])
    _, report = engine.finish_report(engine._fast(case), case)
    rows = build_rows(report, case)
    late = [r for r in rows if r["code"] == "filed-after-time-limit"]
    assert [r["matter"] for r in late] == ["M-08A"] and late[0]["severity"] == "Warning"
    assert "only if the respondent objects" in late[0]["message"] or "bites only if" in late[0]["message"]
    assert not [r for r in rows if r["matter"] == "M-08A" and r["severity"] == "Violation"]


# --- regressions --------------------------------------------------------------------------------

LATE = """@prefix ekg: <https://w3id.org/enforcekg/def#> . @prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix schema: <https://schema.org/> .
@prefix case: <https://w3id.org/enforcekg/case/> .
case:L a ekg:Matter ; ekg:matterId "L" ; ekg:applicant [ a ekg:Company ; schema:name "A" ] ;
    ekg:debtor [ a ekg:Company ; schema:name "B" ] ; ekg:concernsInstrument case:L-j ; ekg:hasApplication case:L-e .
case:L-j a ekg:MonetaryPaymentJudgment ; ekg:dateEffective "2020-02-29"^^xsd:date .
case:L-e a ekg:EnforcementApplication ; ekg:filedWith ekgid:court-guangzhou-intermediate ; ekg:filingDate "FILED"^^xsd:date .
"""


@pytest.mark.parametrize("filed, late", [("2022-02-28", False), ("2022-03-01", True)])
@pytest.mark.parametrize("engine_name", ["fast", "reference"])
def test_date_arithmetic_does_not_rely_on_engine_duration_support(filed, late, engine_name):
    """Regression: pyoxigraph returned nothing for some dateTime + xsd:duration sums (P1Y, P6M, P15D),
    so late filings went unreported on the fast engine. Dates are now added as day numbers:
    29 February 2020 + P2Y ends on 28 February 2022, and a filing on 1 March 2022 is late."""
    graph = Graph().parse(data=LATE.replace("FILED", filed), format="turtle")
    _, report, _ = validate(graph, engine=engine_name)
    shapes = {str(report.value(r, SH.sourceShape)) for r in report.objects(None, SH.result)}
    assert ("https://w3id.org/enforcekg/shapes#filed-after-time-limit" in shapes) == late


def test_filter_in_nested_group_sees_the_outer_binding_on_the_reference_engine():
    """Regression: a FILTER on ?c inside a UNION branch nested in NOT EXISTS never saw ?c on rdflib,
    so pySHACL missed the arbitration-agreement refusal ground that the fast engine reported."""
    case = read_files([EXAMPLES_DIR / "m05-default-judgment-no-proof-of-service.ttl"])
    _, report = engine.finish_report(engine._reference(case), case)
    values = {report.value(r, SH.value) for r in report.objects(None, SH.result)}
    assert URIRef("https://w3id.org/enforcekg/id/fj-refusal-arbitration-agreement") in values


def test_message_lists_do_not_depend_on_engine_order():
    """Regression: GROUP_CONCAT joined the instrument classes a basis covers in a different order on
    each engine, so the two engines produced different messages for basis-wrong-instrument."""
    case = read_files([EXAMPLES_DIR / "m09-ineligible-instruments.jsonld"])
    fast = engine.finish_report(engine._fast(case), case)[1]
    ref = engine.finish_report(engine._reference(case), case)[1]
    pick = lambda rep: sorted(str(m) for r in rep.objects(None, SH.result) for m in rep.objects(r, SH.resultMessage)
                              if "does not cover" in str(m))
    assert pick(fast) == pick(ref) and pick(fast)


def test_xsd_string_literals_match_plain_literals():
    """Regression: literals read by pyoxigraph came back as "x"^^xsd:string, which rdflib does not
    equate with the plain "x" its own parser produces."""
    graph = read_files([EXAMPLES_DIR / "m04-missing-translation.ttl"]).graph
    from rdflib import Literal
    from enforcekg.namespaces import EKG
    assert (URIRef("https://w3id.org/enforcekg/case/M-12"), EKG.matterId, Literal("M-12")) in graph
