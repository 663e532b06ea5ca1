"""`enforcekg docs`: HTML pages for every term and shape, with both labels, sources and search."""

import argparse
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS

from enforcekg import docs
from enforcekg.load import load_files
from enforcekg.namespaces import EKG, EKGID
from enforcekg.release import project_terms

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = FIXTURES / "diff" / "new.ttl"
SHAPES = FIXTURES / "docs" / "shapes.ttl"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.hrefs.append(attrs[key])


def broken_links(out: Path) -> list[str]:
    """Relative links (and their #anchors) that point nowhere."""
    parsed = {}
    for page in out.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page.resolve()] = parser
    broken = []
    for page, parser in parsed.items():
        for href in parser.hrefs:
            if re.match(r"^[a-z]+:", href):
                continue
            target, _, anchor = href.partition("#")
            path = (page.parent / unquote(target)).resolve() if target else page
            if not path.exists():
                broken.append(f"{page.name}: {href}")
            elif anchor and path.suffix == ".html" and anchor not in parsed[path].ids:
                broken.append(f"{page.name}: {href} (no such anchor)")
    return broken


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    docs.build_docs(load_files([GRAPH]), load_files([SHAPES]), out)
    return out


def read(out, relative):
    return (out / relative).read_text(encoding="utf-8")


def test_a_page_for_every_term(site):
    for term in project_terms(load_files([GRAPH])):
        assert (site / docs.Docs.page_path(term)).is_file(), term
    assert (site / "index.html").is_file() and (site / "shapes.html").is_file() and (site / "style.css").is_file()
    assert broken_links(site) == []


def test_class_page(site):
    page = read(site, "ekg/EnforcementMeasure.html")
    assert "enforcement measure" in page and '<span class="zh" lang="zh">执行措施</span>' in page
    assert "A step a court takes against a debtor&#x27;s assets or person." in page  # definition
    assert 'href="../id/guide-s2-2.html"' in page  # source, linked to the guide section's page
    assert 'href="../ekg/Restriction.html"' in page  # subclass
    assert "Individuals (2)" in page and 'href="../id/measure-search-of-premises.html"' in page
    assert "enforcement measure shape" in page  # the shape that targets the class
    assert "An enforcement measure cites a guide section." in page
    assert "instance of <a href=\"../ekg/GuideSection.html\"" in page


def test_subclass_page_shows_superclass_and_inherited_shape(site):
    page = read(site, "ekg/Restriction.html")
    assert "Superclasses" in page and 'href="../ekg/EnforcementMeasure.html"' in page
    assert "targets instances of its superclass" in page


def test_deprecated_individual_page(site):
    page = read(site, "id/measure-search.html")
    assert "Deprecated." in page and 'href="../id/measure-search-of-premises.html"' in page
    assert "targets subjects of" in page  # ReplacementShape (sh:targetSubjectsOf dcterms:isReplacedBy)


def test_source_page_lists_what_cites_it(site):
    page = read(site, "id/guide-s2-4.html")
    assert "Cited as source by (1)" in page and 'href="../ekg/Restriction.html"' in page


def test_index_search_data_has_both_languages(site):
    index = read(site, "index.html")
    data = json.loads(re.search(r'id="search-data">(.*?)</script>', index, re.S).group(1).replace("<\\/", "</"))
    by_curie = {d["curie"]: d for d in data}
    entry = by_curie["ekgid:measure-search-of-premises"]
    assert entry["zh"] == "搜查被执行人住所" and entry["href"] == "id/measure-search-of-premises.html"
    assert "搜查" in entry["k"] and "search of premises" in entry["k"]
    assert 'id="search-box"' in index and "ekg:ReplacementShape" in index


def test_shapes_page(site):
    page = read(site, "shapes.html")
    assert "SHACL shapes (2)" in page
    assert "at most 1 value(s)" in page and "(warning)" in page
    assert "one value per language" in page


def test_text_is_escaped(tmp_path):
    graph = load_files([GRAPH])
    graph.add((EKG.Restriction, RDFS.comment, Literal('<script>alert("x")</script> & more', lang="en")))
    docs.build_docs(graph, None, tmp_path)
    page = read(tmp_path, "ekg/Restriction.html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page


def test_stale_pages_are_removed(tmp_path):
    docs.build_docs(load_files([GRAPH]), None, tmp_path)
    assert (tmp_path / "id" / "measure-search.html").exists()
    docs.build_docs(load_files([FIXTURES / "diff" / "old.ttl"]), None, tmp_path)
    assert not (tmp_path / "id" / "measure-search-of-premises.html").exists()
    assert (tmp_path / "id" / "measure-auction.html").exists()


def test_docs_command_on_the_shipped_graph(tmp_path, shipped_graph, capsys):
    parser = argparse.ArgumentParser()
    docs.add_arguments(parser)
    assert docs.run(parser.parse_args([str(tmp_path)])) == 0
    assert "pages" in capsys.readouterr().out
    for term in project_terms(shipped_graph):
        assert (tmp_path / docs.Docs.page_path(term)).is_file(), term
    assert broken_links(tmp_path) == []
    assert docs.run(parser.parse_args([str(tmp_path), "--input", str(tmp_path / "missing.ttl")])) == 2


def test_page_names_are_safe():
    assert docs.Docs.page_path(EKGID["a b/c"]) == "id/a_0020b_002Fc.html"
    assert docs.Docs.page_path(EKG.Court) == "ekg/Court.html"
