"""`enforcekg diff`: added, removed, deprecated and changed terms between two versions."""

import argparse
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS

from enforcekg import diff
from enforcekg.load import load_files
from enforcekg.namespaces import EKG, EKGID

FIXTURES = Path(__file__).parent / "fixtures"

OLD = FIXTURES / "diff" / "old.ttl"
NEW = FIXTURES / "diff" / "new.ttl"


@pytest.fixture(scope="module")
def result():
    return diff.diff_graphs(load_files([OLD]), load_files([NEW]))


def test_terms_added_removed_deprecated_changed(result):
    assert result.added == [EKGID["measure-search-of-premises"]]
    assert result.removed == [EKGID["measure-auction"]]
    assert [c.term for c in result.deprecated] == [EKGID["measure-search"]]
    assert [c.term for c in result.changed] == [EKG.Restriction]


def test_changes_are_grouped_by_aspect(result):
    aspects = result.changed[0].by_aspect()
    assert list(aspects) == ["labels", "definitions", "sources", "axioms"]
    assert str(aspects["labels"]["removed"][0][1]) == "restriction"
    assert str(aspects["labels"]["added"][0][1]) == "restriction on the debtor"
    assert aspects["sources"] == {"removed": [], "added": [(DCTERMS.source, EKGID["guide-s2-4"])]}
    assert [str(o) for _, o in aspects["axioms"]["added"]] == [str(EKG.EnforcementMeasure)]
    assert "deprecation" in result.deprecated[0].by_aspect()
    assert result.header is not None  # the version moved from 0.1.0 to 0.2.0


def test_markdown_names_terms_by_label_and_iri(result):
    text = diff.render_markdown(result, "old", "new")
    assert "1 added, 1 removed, 1 deprecated, 1 changed" in text
    for heading in ("## Added (1)", "## Removed (1)", "## Deprecated (1)", "## Changed (1)"):
        assert heading in text
    assert "**enforcement measure: search of premises · 搜查被执行人住所** (`ekgid:measure-search-of-premises`)" in text
    assert "**enforcement measure: auction · 拍卖** (`ekgid:measure-auction`)" in text
    assert "replaced by enforcement measure: search of premises (`ekgid:measure-search-of-premises`)" in text
    assert "### **restriction on the debtor · 限制措施** (`ekg:Restriction`)" in text
    assert '- − `rdfs:label` "restriction"@en' in text
    assert "+ `rdfs:subClassOf` enforcement measure (`ekg:EnforcementMeasure`)" in text
    assert '+ `owl:versionInfo` "0.2.0"' in text


def test_blank_node_axioms_compare_by_content():
    text = """@prefix ekg: <https://w3id.org/enforcekg/def#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ekg:A a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ekg:p ; owl:someValuesFrom ekg:%s ] ."""
    from rdflib import Graph

    same = diff.diff_graphs(Graph().parse(data=text % "B", format="turtle"), Graph().parse(data=text % "B", format="turtle"))
    assert same.empty
    changed = diff.diff_graphs(Graph().parse(data=text % "B", format="turtle"), Graph().parse(data=text % "C", format="turtle"))
    assert [c.term for c in changed.changed] == [EKG.A]
    assert list(changed.changed[0].by_aspect()) == ["axioms"]


def test_identical_versions():
    text = diff.render_markdown(diff.diff_graphs(load_files([OLD]), load_files([OLD])))
    assert "No term changed." in text


def test_directory_versions(tmp_path):
    (tmp_path / "flat").mkdir()
    shutil.copy(OLD, tmp_path / "flat" / "a.ttl")
    assert diff.project_terms(diff.load_version(str(tmp_path / "flat"))) == diff.project_terms(load_files([OLD]))
    layout = tmp_path / "project"
    (layout / "ontology" / "shapes").mkdir(parents=True)
    (layout / "data").mkdir()
    shutil.copy(NEW, layout / "data" / "kb.ttl")
    (layout / "ontology" / "shapes" / "broken.ttl").write_text("not turtle at all")  # shapes are not read
    assert EKGID["measure-search-of-premises"] in diff.project_terms(diff.load_version(str(layout)))
    with pytest.raises(diff.VersionError):
        diff.load_version(str(tmp_path / "missing.ttl"))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revision(tmp_path):
    repo = tmp_path / "repo"
    (repo / "ontology").mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    shutil.copy(OLD, repo / "ontology" / "core.ttl")
    git("add", "ontology/core.ttl")
    git("commit", "-q", "-m", "v1")
    shutil.copy(NEW, repo / "ontology" / "core.ttl")  # uncommitted change
    old = diff.load_version("git:HEAD", repo=repo)
    new = diff.load_version(str(repo), repo=repo)
    result = diff.diff_graphs(old, new)
    assert result.removed == [EKGID["measure-auction"]]
    with pytest.raises(diff.VersionError):
        diff.load_version("git:no-such-revision", repo=repo)


def test_diff_command(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    diff.add_arguments(parser)
    assert diff.run(parser.parse_args([str(OLD), str(NEW)])) == 0
    assert "## Removed (1)" in capsys.readouterr().out
    out = tmp_path / "report.md"
    assert diff.run(parser.parse_args([str(OLD), str(NEW), "-o", str(out)])) == 0
    assert out.read_text(encoding="utf-8").startswith("# Changes from")
    assert diff.run(parser.parse_args([str(OLD), str(tmp_path / "nope.ttl")])) == 2


def test_shipped_graph_against_itself(shipped_graph):
    assert diff.diff_graphs(shipped_graph, shipped_graph).empty
