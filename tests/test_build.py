"""Knowledge-base templates build to Turtle; bad cells are reported by row and column."""

from argparse import Namespace

import pytest

from enforcekg import build
from enforcekg.namespaces import EKGID
from rdflib.namespace import RDFS
from rdflib import Literal


def test_generated_files_are_up_to_date():
    assert build.run(Namespace(templates=[], check=True, out=None)) == 0


def test_country_names_come_from_pycountry_in_both_languages():
    node, graph = build.country_graph("fr")
    assert node == EKGID["country-fr"]
    assert Literal("France", lang="en") in set(graph.objects(node, RDFS.label))
    assert Literal("法国", lang="zh") in set(graph.objects(node, RDFS.label))


def test_bad_cells_are_all_reported_with_row_and_column(tmp_path):
    template = tmp_path / "bad.csv"
    template.write_text(
        "id,code,since,label\n"
        "ID,COUNTRY ekg:treatyPartner,A ekg:effectiveFrom^^xsd:date,A rdfs:label@en\n"
        "ekgid:treaty-xx,XX,2020-01-01,Good label\n"
        "nonsense,FR,2020-13-45,Another\n",
        encoding="utf-8",
    )
    with pytest.raises(build.TemplateError) as info:
        build.build_template(template)
    problems = {(e.row, e.column) for e in info.value.errors}
    assert problems == {(3, "code"), (4, "id")}


def test_bad_date_cell_is_reported(tmp_path):
    template = tmp_path / "dates.csv"
    template.write_text("id,since\nID,A ekg:effectiveFrom^^xsd:date\nekgid:x,1 July 2024\n", encoding="utf-8")
    with pytest.raises(build.TemplateError, match="YYYY-MM-DD"):
        build.build_template(template)


def test_unknown_directive_is_reported(tmp_path):
    template = tmp_path / "directive.csv"
    template.write_text("id,x\nID,LABEL rdfs:label\nekgid:x,y\n", encoding="utf-8")
    with pytest.raises(build.TemplateError, match="unknown template directive"):
        build.build_template(template)


def test_build_writes_nothing_when_a_template_is_bad(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("id,code\nID,COUNTRY ekg:contractingState\nekgid:new-york-convention,FR\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,code\nID,COUNTRY ekg:contractingState\nekgid:new-york-convention,ZZ\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build.run(Namespace(templates=[good, bad], check=False, out=out)) == 2
    assert not out.exists()
    assert "ZZ" in capsys.readouterr().err


def test_type_split_is_not_read_as_a_property(tmp_path):
    """Regression: `TYPE SPLIT=|` took "SPLIT=|" for a property and minted IRIs containing '|'."""
    template = tmp_path / "types.csv"
    template.write_text("id,type\nID,TYPE SPLIT=|\nekgid:x,owl:NamedIndividual|ekg:Treaty\n", encoding="utf-8")
    graph = build.build_template(template)
    from rdflib.namespace import OWL, RDF
    from enforcekg.namespaces import EKG
    assert set(graph.objects(EKGID.x, RDF.type)) == {OWL.NamedIndividual, EKG.Treaty}


def test_iri_with_forbidden_characters_is_refused(tmp_path):
    template = tmp_path / "iri.csv"
    template.write_text("id,link\nID,I dcterms:source\nekgid:x,ekgid:a|b\n", encoding="utf-8")
    with pytest.raises(build.TemplateError, match="CURIE"):
        build.build_template(template)
