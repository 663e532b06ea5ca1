"""Explore: search terms by English or Chinese label, the class tree, a term's page and neighbourhood."""

from __future__ import annotations

import streamlit as st

from ..explore import counts, is_project_term, resolve
from ..explore_classes import class_hierarchy, class_tree_html
from ..explore_graph import neighbourhood, neighbourhood_svg
from ..explore_search import search_terms
from ..explore_term import term_page
from ..explore_term_html import statements_html, term_header_html
from .common import LANG_NAMES, asserted_or_none, clickable, engine, lang, open_term
from .docs_link import docs_ready, docs_url

EXAMPLES = ("sole shareholder", "一人公司", "preservation", "reciprocity", "New York Convention", "拒不执行")


def _counts(eng) -> None:
    numbers = counts(eng)
    cols = st.columns(6)
    cols[0].metric("Classes", f"{numbers['classes']:,}")
    cols[1].metric("Properties", f"{numbers['object properties'] + numbers['datatype properties']:,}",
                   help=f"{numbers['object properties']} object, {numbers['datatype properties']} datatype")
    cols[2].metric("Individuals", f"{numbers['individuals']:,}")
    cols[3].metric("English labels", f"{numbers['English labels']:,}")
    cols[4].metric("中文标签", f"{numbers['Chinese labels']:,}")
    cols[5].metric("Triples", f"{numbers['triples']:,}", help="asserted and inferred (OWL 2 RL)")


def _search_box() -> tuple[str, str]:
    text = st.text_input("Search terms by English or Chinese label", key="search",
                         placeholder="sole shareholder · 一人公司 · preservation",
                         help="Finds labels and synonyms containing the text; hyphens and case do not matter. "
                              "A CURIE such as ekg:Remedy opens that term.")
    scope = st.radio("Labels searched", ["any", "en", "zh"], horizontal=True, key="search_lang",
                     format_func=lambda v: {"any": "both languages", **LANG_NAMES}[v], label_visibility="collapsed")
    return text, scope


def _search(eng, lg: str, text: str, scope: str) -> None:
    if not text.strip():
        st.caption("Try: " + " · ".join(EXAMPLES))
        return
    hits = search_terms(eng, text, None if scope == "any" else scope, limit=40)
    if not hits:
        st.info(f"No term has a label containing “{text}”. Try a shorter word, the other language, or the class tree.")
        return
    st.caption(f"{len(hits)} term(s) found" + (" (first 40)" if len(hits) == 40 else ""))
    other = "zh" if lg == "en" else "en"
    for hit in hits:
        title = hit.label(lg)
        second = hit.labels.get(other)
        st.button(f"{title}" + (f" · {second}" if second else ""), key=f"hit-{hit.curie}", on_click=open_term,
                  args=(hit.curie,), width="stretch", help=f"{hit.curie}")
        kind = hit.kind_label(lg)
        matched = "" if hit.matched in (title, second) else f" · matched “{hit.matched}”"
        st.caption(f"{kind} · `{hit.curie}`{matched}")


def _tree(eng, lg: str) -> None:
    roots = class_hierarchy(eng, lg)
    total = sum(r.size() for r in roots)
    with st.expander(f"Class hierarchy ({total} classes)", expanded=not st.session_state.get("search")):
        st.caption("Click a class to open it; the grey number counts its members in the knowledge base.")
        clickable(class_tree_html(roots, lg, open_depth=1, current=resolve(st.session_state.get("term", ""))),
                  key="class-tree")


def _term(eng, lg: str, curie: str) -> None:
    asserted = asserted_or_none()
    try:
        page = term_page(eng, curie, asserted)
    except ValueError as exc:
        st.error(str(exc))
        return
    if not page.exists:
        st.warning(f"The graph says nothing about `{curie}`. Check the spelling, or search by label.")
        return
    st.subheader(page.label(lg))
    clickable(term_header_html(page, lg), key=f"head-{page.curie}")
    if docs_ready() and is_project_term(page.term):
        st.markdown(f"[HTML documentation of this term ↗]({docs_url(page.term)})")

    show_inferred = st.toggle("Show inferred statements", value=True, key="show-inferred",
                              help="Statements the OWL 2 RL reasoner derived are marked 'inferred'.") \
        if asserted is not None else True
    outgoing = page.grouped("out", show_inferred)
    incoming = page.grouped("in", show_inferred)
    n_out = sum(len(s) for _, s in outgoing)
    n_in = sum(len(s) for _, s in incoming)
    graph_tab, out_tab, in_tab = st.tabs(["Neighbourhood graph", f"Properties and outgoing links ({n_out})",
                                          f"Incoming links ({n_in})"])
    with graph_tab:
        nb = neighbourhood(page, max_nodes=24, include_inferred=False)
        if not nb.nodes:
            st.info("No other term is linked to this one (besides its type and sources).")
        else:
            st.caption("Left: terms that point to this one · right: terms it points to; each box names the link. "
                       "Click a term to open it"
                       + (f" · {nb.hidden} more linked terms are in the lists" if nb.hidden else ""))
            clickable(neighbourhood_svg(nb, lg), key=f"graph-{page.curie}")
    with out_tab:
        clickable(statements_html(outgoing, lg), key=f"out-{page.curie}")
    with in_tab:
        st.caption("Terms whose statements point to this one (subject — property → this term).")
        clickable(statements_html(incoming, lg), key=f"in-{page.curie}")


def render() -> None:
    lg = lang()
    st.title("Explore the graph")
    st.caption("How judgments and arbitral awards are enforced in Mainland China — every term with its English "
               "and Chinese label, a definition and its source in the practice guide.")
    counts_box = st.container()
    left, right = st.columns([1, 2], gap="large")
    with left:
        text, scope = _search_box()  # drawn before the graph is loaded, so the page appears at once
    eng = engine()
    with counts_box:
        _counts(eng)
    with left:
        _search(eng, lg, text, scope)
        _tree(eng, lg)
    with right:
        curie = st.session_state.get("term")
        if curie:
            top = st.columns([4, 1])
            top[1].button("Close", key="close-term", on_click=open_term, args=(None,))
            _term(eng, lg, curie)
        else:
            st.info("Search for a term on the left, or open a class in the hierarchy. Each term shows its labels, "
                    "definition, source, properties, the links to and from it, and a graph of its neighbourhood.")
