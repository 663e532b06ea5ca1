"""The Explore logic (enforcekg.explore and its explore_* modules): search, class tree, term page,
neighbourhood, counts."""

import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from enforcekg import explore, explore_classes, explore_graph, explore_search, explore_term, explore_term_html
from enforcekg.namespaces import EKG, EKGID, bind_prefixes
from enforcekg.store import LocalEngine, default_engine

SOLE = EKGID["cond-sole-shareholder-company"]


@pytest.fixture(scope="module")
def engine():
    return default_engine()


@pytest.fixture(scope="module")
def tiny():
    """A small graph with a three-level class chain (closed by hand) and a hostile label."""
    g = bind_prefixes(Graph())
    for name, en, zh in (("A", "top thing", "顶层"), ("B", "middle thing", "中层"), ("C", "bottom thing", "底层")):
        g.add((EKG[name], RDF.type, OWL.Class))
        g.add((EKG[name], RDFS.label, Literal(en, lang="en")))
        g.add((EKG[name], RDFS.label, Literal(zh, lang="zh")))
    g.add((EKG.A, RDFS.subClassOf, OWL.Thing))
    g.add((EKG.B, RDFS.subClassOf, EKG.A))
    g.add((EKG.C, RDFS.subClassOf, EKG.B))
    g.add((EKG.C, RDFS.subClassOf, EKG.A))  # inferred-style shortcut: not a direct parent
    g.add((EKG.link, RDF.type, OWL.ObjectProperty))
    g.add((EKG.link, RDFS.label, Literal("links to", lang="en")))
    x = EKGID["x"]
    g.add((x, RDF.type, EKG.C))
    g.add((x, RDFS.label, Literal("<script>alert(1)</script> & co", lang="en")))
    g.add((x, SKOS.definition, Literal("A <b>bold</b> claim.", lang="en")))
    g.add((x, DCTERMS.source, EKGID["guide-s1-1"]))
    for i in range(30):
        y = EKGID[f"y{i}"]
        g.add((y, RDFS.label, Literal(f"neighbour {i:02d}", lang="en")))
        g.add((x if i % 2 else y, EKG.link, y if i % 2 else x))
    return LocalEngine(graph=g), g


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("text", ["sole shareholder", "Sole-Shareholder", "一人公司", "一人有限责任公司"])
def test_search_finds_sole_shareholder_in_english_and_chinese(engine, text):
    hits = explore_search.search_terms(engine, text)
    assert hits, text
    assert SOLE in [h.term for h in hits[:3]]
    hit = next(h for h in hits if h.term == SOLE)
    assert hit.labels["en"] and hit.labels["zh"]
    assert hit.kind == "individual" and "condition" in hit.classes


def test_search_ranks_exact_label_first(engine):
    label = str(default_engine().select(
        "SELECT ?l WHERE { ekg:Remedy rdfs:label ?l FILTER(LANG(?l) = 'en') }", timeout=None).rows[0][0])
    hits = explore_search.search_terms(engine, label)
    assert hits[0].term == EKG.Remedy
    assert hits[0].kind == "class"


def test_search_language_filter(engine):
    assert explore_search.search_terms(engine, "一人公司", lang="en") == []
    zh = explore_search.search_terms(engine, "一人公司", lang="zh")
    assert SOLE in [h.term for h in zh]
    assert all(h.matched_lang == "zh" for h in zh)


def test_search_by_curie_and_empty(engine):
    hits = explore_search.search_terms(engine, "ekgid:cond-sole-shareholder-company")
    assert hits[0].term == SOLE
    assert explore_search.search_terms(engine, "   ") == []
    assert explore_search.search_terms(engine, "zzzz-no-such-label-qqq") == []


def test_search_text_is_bound_not_pasted(engine):
    # quotes and braces in the text cannot break out of the query
    assert explore_search.search_terms(engine, '") } DROP ALL #') == []


def test_resolve():
    assert explore.resolve("ekg:Remedy") == EKG.Remedy
    assert explore.resolve("<https://w3id.org/enforcekg/id/x>") == EKGID.x
    assert explore.resolve("https://w3id.org/enforcekg/id/x") == EKGID.x
    assert explore.resolve("unknown:Thing") is None
    assert explore.resolve("sole shareholder") is None


# --------------------------------------------------------------------------- class tree


def test_class_tree_keeps_direct_parents_only(tiny):
    eng, _ = tiny
    roots = explore_classes.class_hierarchy(eng)
    assert [r.term for r in roots] == [EKG.A]
    (b,) = roots[0].children
    assert b.term == EKG.B
    assert [c.term for c in b.children] == [EKG.C]
    assert b.children[0].members == 1
    assert [d for d, _ in explore_classes.flatten(roots)] == [0, 1, 2]


def test_class_tree_of_the_shipped_graph(engine):
    roots = explore_classes.class_hierarchy(engine)
    flat = explore_classes.flatten(roots)
    terms = {n.term for _, n in flat}
    declared = {r[0] for r in engine.select(
        "SELECT DISTINCT ?c WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(ekg:))) }", timeout=None).rows}
    assert terms == declared
    remedy = explore_classes.find_class(roots, EKG.Remedy)
    mechanism = explore_classes.find_class(roots, EKG.LegalMechanism)
    assert remedy is not None and remedy in mechanism.children
    assert remedy.members > 0
    # a direct parent never also appears further up the same chain
    for _, node in flat:
        for child in node.children:
            assert all(child not in grand.children for grand in node.children)


def test_class_tree_html_is_escaped_and_clickable(tiny):
    eng, _ = tiny
    text = explore_classes.class_tree_html(explore_classes.class_hierarchy(eng), current=EKG.B)
    assert 'data-term="ekg:A"' in text and 'data-term="ekg:C"' in text
    assert 'class="current"' in text
    zh = explore_classes.class_tree_html(explore_classes.class_hierarchy(eng, "zh"), "zh")
    assert "中层" in zh


# --------------------------------------------------------------------------- term page


def test_term_page_of_sole_shareholder_condition(engine, shipped_graph):
    page = explore_term.term_page(engine, "ekgid:cond-sole-shareholder-company", shipped_graph)
    assert page.exists and page.kind == "individual"
    assert page.labels["en"] and page.labels["zh"]
    assert page.definition("en")
    assert any(l.term == EKG.Condition for l in page.classes)
    assert EKGID["guide-s2-2"] in [l.term for l in page.sources]
    assert any(str(a) == "一人公司" for a in page.alt_labels)
    incoming = {(s.property, s.value) for s in page.incoming}
    assert (EKG.requiresCondition, EKGID["remedy-joinder-sole-shareholder"]) in incoming
    assert all(s.inferred is not None for s in page.outgoing + page.incoming)
    assert any(not s.inferred for s in page.outgoing)
    # header properties are not repeated in the statement lists
    assert RDFS.label not in [p for p, _ in page.grouped("out")]


def test_term_page_of_a_class_has_super_and_subclasses(engine, shipped_graph):
    page = explore_term.term_page(engine, EKG.Remedy, shipped_graph)
    assert page.kind == "class"
    assert EKG.LegalMechanism in [l.term for l, _ in page.superclasses]
    assert page.subclasses
    assert not any(inferred for l, inferred in page.superclasses if l.term == EKG.LegalMechanism)


def test_inferred_statements_are_flagged(tiny):
    eng, g = tiny
    page = explore_term.term_page(eng, EKG.C, g)
    assert all(s.inferred is False for s in page.outgoing)
    smaller = Graph()
    for t in g:
        if t != (EKG.C, RDFS.subClassOf, EKG.A):
            smaller.add(t)
    page = explore_term.term_page(eng, EKG.C, smaller)
    flags = {l.term: inferred for l, inferred in page.superclasses}
    assert flags == {EKG.A: True, EKG.B: False}
    without = page.grouped("out", include_inferred=False)
    assert all(not s.inferred for _, group in without for s in group)


def test_unknown_and_invalid_terms(engine):
    assert not explore_term.term_page(engine, "ekgid:no-such-term").exists
    with pytest.raises(ValueError):
        explore_term.term_page(engine, "not a term")


# --------------------------------------------------------------------------- neighbourhood


def test_neighbourhood_of_sole_shareholder(engine, shipped_graph):
    page = explore_term.term_page(engine, SOLE, shipped_graph)
    nb = explore_graph.neighbourhood(page)
    roles = {n.term: n.role for n in nb.nodes}
    assert roles[EKGID["cond-debtor-company"]] == "out"
    assert roles[EKGID["remedy-joinder-sole-shareholder"]] == "in"
    assert EKG.Condition not in roles  # types stay in the lists
    svg = explore_graph.neighbourhood_svg(nb)
    root = ET.fromstring(svg)
    terms = {g.get("data-term") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-term")}
    assert "ekgid:cond-debtor-company" in terms and "ekgid:cond-sole-shareholder-company" in terms


def test_neighbourhood_is_capped_and_escaped(tiny):
    eng, g = tiny
    page = explore_term.term_page(eng, EKGID.x, g)
    nb = explore_graph.neighbourhood(page, max_nodes=10)
    assert len([n for n in nb.nodes if n.role == "out"]) == 5
    assert len([n for n in nb.nodes if n.role == "in"]) == 5
    assert nb.hidden == 20
    svg = explore_graph.neighbourhood_svg(nb)
    ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_html_fragments_escape_labels(tiny):
    eng, g = tiny
    page = explore_term.term_page(eng, EKGID.x, g)
    head = explore_term_html.term_header_html(page)
    assert "<script>" not in head and "&lt;b&gt;bold" in head
    assert 'data-term="ekgid:guide-s1-1"' in head
    table = explore_term_html.statements_html(page.grouped("out"))
    assert 'data-term="ekgid:y1"' in table
    assert "links to" in table
    assert "<script>" not in explore_term_html.statements_html(page.grouped("in"))


def test_wrap_label():
    assert explore_graph.wrap_label("short") == ["short"]
    lines = explore_graph.wrap_label("joinder of sole shareholder who cannot prove separate assets", 20, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(explore_graph._units(line) <= 22 for line in lines)
    assert "".join(explore_graph.wrap_label("被执行人为一人有限责任公司", 40, 2)) == "被执行人为一人有限责任公司"


# --------------------------------------------------------------------------- form helpers and counts


def test_members_and_is_subclass(engine):
    conditions = explore.members(engine, "ekg:Condition")
    sole = next(l for l in conditions if l.term == SOLE)
    assert sole.labels["en"] and sole.labels["zh"] and sole.label("zh") == sole.labels["zh"]
    assert len({l.term for l in conditions}) == len(conditions)
    assert explore.is_subclass(engine, "ekg:Remedy", "ekg:LegalMechanism")
    assert explore.is_subclass(engine, EKG.Remedy, "ekg:Remedy")
    assert not explore.is_subclass(engine, "ekg:LegalMechanism", "ekg:Remedy")


def test_counts(engine):
    counts = explore.counts(engine)
    assert counts["classes"] > 100 and counts["individuals"] > 100
    assert counts["English labels"] > 100 and counts["Chinese labels"] > 100
    assert counts["triples"] == len(engine)
