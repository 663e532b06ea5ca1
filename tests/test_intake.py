"""Reading matters from Turtle, JSON-LD and CSV, and refusing what cannot be read."""

from __future__ import annotations

import csv
import json
import re
import socket

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from enforcekg.casecsv import COLUMNS
from enforcekg.intake import CONTEXT_FILE, CONTEXT_URL, IntakeError, read_file, read_files
from enforcekg.namespaces import EKG, EKGID, SCHEMA
from enforcekg.paths import EXAMPLES_DIR, ONTOLOGY_DIR, TEMPLATES_DIR

CASE = "https://w3id.org/enforcekg/case/"
HEADER = "matter_id,applicant_name,applicant_type,debtor_name,debtor_type,instrument_kind,instrument_date_effective"


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def _error(path) -> IntakeError:
    with pytest.raises(IntakeError) as info:
        read_file(path)
    return info.value


# --- CSV --------------------------------------------------------------------------------------------

def test_csv_row_becomes_a_matter(tmp_path):
    path = _write(tmp_path, "m.csv", HEADER + ",instrument_amount,debtor_conduct,assets,recognition_court,recognition_court_level\n"
                  "M-1,A Ltd,company,B Ltd,company,ForeignJudgment,2024-01-31,\"1,250,000.50\","
                  "waiver-of-claims@2024-03-01@400000,asset-real-estate=900000|asset-bank-deposits,Shanghai No 1 Intermediate People's Court,intermediate\n")
    graph = read_files([path]).graph
    matter = URIRef(CASE + "M-1")
    assert (matter, RDF.type, EKG.Matter) in graph
    assert (matter, EKG.matterId, Literal("M-1")) in graph
    instrument = graph.value(matter, EKG.concernsInstrument)
    assert (instrument, RDF.type, EKG.ForeignJudgment) in graph
    assert graph.value(instrument, EKG.dateEffective) == Literal("2024-01-31", datatype=XSD.date)
    assert graph.value(instrument, EKG.amountAwarded) == Literal("1250000.50", datatype=XSD.decimal)
    debtor = graph.value(matter, EKG.debtor)
    act = graph.value(debtor, EKG.hasConduct)
    assert (act, RDF.type, EKG.WaiverOfClaims) in graph
    assert len(list(graph.objects(matter, EKG.knownAsset))) == 2
    court = graph.value(graph.value(matter, EKG.hasApplication), EKG.filedWith)
    assert graph.value(court, EKG.courtLevel) == EKGID["level-intermediate"]
    assert graph.value(court, SCHEMA.name) == Literal("Shanghai No 1 Intermediate People's Court")


def test_csv_bad_cells_name_row_and_column(tmp_path):
    path = _write(tmp_path, "m.csv", HEADER + ",instrument_final\n"
                  "M-1,A Ltd,company,B Ltd,company,CivilJudgment,2024-02-30,maybe\n"
                  "M-2,A Ltd,firm,B Ltd,company,CivilJudgment,2024-01-01,yes\n")
    lines = str(_error(path)).splitlines()
    assert lines[0] == f"{path}:2:7: column 'instrument_date_effective': expected a date as YYYY-MM-DD, got '2024-02-30'"
    assert lines[1].startswith(f"{path}:2:8: column 'instrument_final': expected yes or no")
    assert lines[2].startswith(f"{path}:3:3: column 'applicant_type': unknown value 'firm'")


def test_csv_unknown_column_suggests_the_right_one(tmp_path):
    path = _write(tmp_path, "m.csv", "matter_id,aplicant_name\nM-1,A\n")
    error = str(_error(path))
    assert f"{path}:1:2: unknown column 'aplicant_name'" in error and "did you mean 'applicant_name'" in error


def test_csv_missing_required_column_and_value(tmp_path):
    assert "missing required column 'instrument_kind'" in str(_error(_write(tmp_path, "a.csv", "matter_id,applicant_name\nM-1,A\n")))
    path = _write(tmp_path, "b.csv", HEADER + "\nM-1,,company,B Ltd,company,CivilJudgment,2024-01-01\n")
    assert f"{path}:2:2: column 'applicant_name': a value is required" in str(_error(path))


def test_csv_duplicate_matter_and_extra_cells(tmp_path):
    row = "M-1,A Ltd,company,B Ltd,company,CivilJudgment,2024-01-01"
    path = _write(tmp_path, "m.csv", f"{HEADER}\n{row}\n{row}\n{row},extra\n")
    lines = str(_error(path)).splitlines()
    assert "'M-1' was already used on line 2" in lines[0]
    assert lines[1].startswith(f"{path}:4:8: row has 8 cells")


def test_csv_court_level_needs_a_court_named_in_text(tmp_path):
    path = _write(tmp_path, "m.csv", HEADER + ",enforcement_court,enforcement_court_level\n"
                  "M-1,A Ltd,company,B Ltd,company,CivilJudgment,2024-01-01,court-guangzhou-intermediate,basic\n")
    assert "enforcement_court_level': give a level only for a court named in free text" in str(_error(path))


def test_csv_with_byte_order_mark_is_read(tmp_path):
    path = _write(tmp_path, "m.csv", "\ufeff" + HEADER + "\nM-1,A Ltd,company,B Ltd,company,CivilJudgment,2024-01-01\n")
    assert (URIRef(CASE + "M-1"), RDF.type, EKG.Matter) in read_files([path]).graph


def test_csv_not_utf8_names_the_byte(tmp_path):
    path = _write(tmp_path, "m.csv", (HEADER + "\nM-1,Soci\u00e9t\u00e9,company,B,company,CivilJudgment,2024-01-01\n").encode("latin-1"))
    assert str(_error(path)).startswith(f"{path}:2:9: byte 0xe9 is not UTF-8")


def test_template_columns_are_all_documented():
    """Every column of data/templates/matters.csv is in matters-columns.md with all five facts."""
    with open(TEMPLATES_DIR / "matters.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [c.name for c in COLUMNS]
    documented = {}
    for line in (TEMPLATES_DIR / "matters-columns.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])] if line.startswith("| `") else None
        if cells:
            documented[cells[0].strip("`")] = cells
    assert set(documented) == set(header)
    for column in COLUMNS:
        name, meaning, kind, allowed, required = documented[column.name]
        assert meaning and kind and allowed, column.name
        assert required == ("yes" if column.required else "no"), column.name


# --- Turtle and JSON-LD ------------------------------------------------------------------------------

def test_turtle_syntax_error_has_line_and_column(tmp_path):
    path = _write(tmp_path, "m.ttl", "@prefix ekg: <https://w3id.org/enforcekg/def#> .\n<http://e/m> a ekg:Matter\n<http://e/n> a ekg:Matter .\n")
    error = _error(path)
    assert (error.line, error.column) == (3, 1)
    assert str(error).startswith(f"{path}:3:1: invalid Turtle:")


def test_unknown_ekg_property_is_refused_with_a_suggestion(tmp_path):
    path = _write(tmp_path, "m.ttl", "@prefix ekg: <https://w3id.org/enforcekg/def#> .\n\n<http://e/m> a ekg:Matter ;\n  ekg:matterid \"M\" .\n")
    assert str(_error(path)) == (f"{path}:4:7: ekg:matterid is not a property of the enforcekg ontology; "
                                 "expected a declared property (did you mean ekg:matterId?)")


def test_unknown_ekg_class_is_refused(tmp_path):
    path = _write(tmp_path, "m.ttl", "@prefix ekg: <https://w3id.org/enforcekg/def#> .\n<http://e/m> a ekg:ForeignJudgement .\n")
    assert "ekg:ForeignJudgement is not a class" in str(_error(path))


def test_empty_and_unknown_files_are_refused(tmp_path):
    assert "the file is empty" in str(_error(_write(tmp_path, "e.ttl", " \n")))
    assert "unknown file type '.xml'" in str(_error(_write(tmp_path, "m.xml", "<x/>")))


def test_jsonld_context_covers_the_case_model():
    from rdflib import Graph
    from rdflib.namespace import OWL
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    iris = {(v["@id"] if isinstance(v, dict) else v) for k, v in context.items() if not k.startswith("@")}
    case = Graph().parse(ONTOLOGY_DIR / "case.ttl")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in case.subjects(RDF.type, kind):
            if str(term).startswith(str(EKG)):
                assert "ekg:" + str(term)[len(str(EKG)):] in iris, term


def test_jsonld_context_is_served_locally(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access")
    monkeypatch.setattr(socket, "create_connection", no_network)
    doc = {"@context": CONTEXT_URL, "@id": "M-1", "@type": "Matter", "matterId": "M-1",
           "concernsInstrument": {"@id": "M-1/j", "@type": "ForeignJudgment", "dateEffective": "2024-01-02",
                                  "countryOfOrigin": "ekgid:country-gb", "isFinal": True}}
    graph = read_files([_write(tmp_path, "m.jsonld", json.dumps(doc))]).graph
    judgment = URIRef(CASE + "M-1/j")
    assert graph.value(judgment, EKG.dateEffective) == Literal("2024-01-02", datatype=XSD.date)
    assert graph.value(judgment, EKG.countryOfOrigin) == EKGID["country-gb"]
    assert graph.value(judgment, EKG.isFinal) == Literal(True)


def test_jsonld_unknown_key_is_refused_not_dropped(tmp_path):
    path = _write(tmp_path, "m.jsonld", '{\n  "@context": "%s",\n  "@id": "M-1",\n  "matterID": "M-1"\n}\n' % CONTEXT_URL)
    assert str(_error(path)).startswith(f"{path}:4:3: unknown key 'matterID'")


def test_jsonld_syntax_error_has_line_and_column(tmp_path):
    path = _write(tmp_path, "m.jsonld", '{\n  "@id": "M-1",,\n}\n')
    assert str(_error(path)).startswith(f"{path}:2:16: invalid JSON")


def test_same_matter_in_three_formats_gives_the_same_facts(tmp_path):
    """A matter written as CSV, Turtle and JSON-LD yields the same triples (IRIs as the CSV mints them)."""
    csv_path = _write(tmp_path, "m.csv", HEADER + ",instrument_country,instrument_final\n"
                      "M-1,A Ltd,company,B Ltd,natural-person,ForeignJudgment,2024-01-02,GB,yes\n")
    ttl = """@prefix ekg: <https://w3id.org/enforcekg/def#> . @prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<M-1> a ekg:Matter ; ekg:matterId "M-1" ; ekg:applicant <M-1/applicant> ; ekg:debtor <M-1/debtor-1> ;
    ekg:concernsInstrument <M-1/instrument> .
<M-1/applicant> a ekg:Company ; schema:name "A Ltd" .
<M-1/debtor-1> a ekg:NaturalPerson ; schema:name "B Ltd" .
<M-1/instrument> a ekg:ForeignJudgment ; ekg:dateEffective "2024-01-02"^^xsd:date ; ekg:countryOfOrigin ekgid:country-gb ;
    ekg:isFinal true .
"""
    doc = {"@context": CONTEXT_URL, "@id": "M-1", "@type": "Matter", "matterId": "M-1",
           "applicant": {"@id": "M-1/applicant", "@type": "Company", "name": "A Ltd"},
           "debtor": {"@id": "M-1/debtor-1", "@type": "NaturalPerson", "name": "B Ltd"},
           "concernsInstrument": {"@id": "M-1/instrument", "@type": "ForeignJudgment", "dateEffective": "2024-01-02",
                                  "countryOfOrigin": "ekgid:country-gb", "isFinal": True}}
    graphs = [read_files([p]).graph for p in (csv_path, _write(tmp_path, "m.ttl", ttl), _write(tmp_path, "m.jsonld", json.dumps(doc)))]
    assert set(graphs[0]) == set(graphs[1]) == set(graphs[2])


@pytest.mark.parametrize("path", sorted((EXAMPLES_DIR / "unreadable").iterdir()), ids=lambda p: p.name)
def test_unreadable_example_reports_file_line_column(path):
    error = _error(path)
    assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: \S", str(error)), str(error)
