"""enforcekg — the Streamlit front end: a thin layer over the ``enforcekg`` package.

Run it with ``.venv/bin/streamlit run app.py`` and open http://localhost:8501. Pages: Explore,
Saved queries, SPARQL workbench, Assess a matter, Validate, Data source. Deep links:
``?page=explore&term=ekg:Remedy``, ``?page=queries&query=remedies-for-debtor-profile``.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="enforcekg — enforcement of judgments in China", page_icon=":material/balance:", layout="wide")

from enforcekg.app_pages import (assess_page, explore_page, queries_page, source_page,  # noqa: E402
                                 validate_page, workbench_page)
from enforcekg.app_pages.common import LANG_NAMES, endpoint_settings, engine, is_embedded  # noqa: E402
from enforcekg.app_pages.docs_link import start_docs_build  # noqa: E402
from enforcekg.store import QueryError  # noqa: E402

PAGES = {
    "explore": ("Explore", ":material/travel_explore:", explore_page.render),
    "queries": ("Saved queries", ":material/list_alt:", queries_page.render),
    "sparql": ("SPARQL workbench", ":material/code:", workbench_page.render),
    "assess": ("Assess a matter", ":material/balance:", assess_page.render),
    "validate": ("Validate", ":material/rule:", validate_page.render),
    "source": ("Data source", ":material/database:", source_page.render),
}


def _from_url() -> None:
    """On a new session, take the page and term from the URL."""
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    page = st.query_params.get("page")
    st.session_state["page"] = page if page in PAGES else "explore"
    if st.query_params.get("term"):
        st.session_state["term"] = st.query_params["term"]
    if st.query_params.get("query"):
        st.session_state["saved-query"] = st.query_params["query"]
    if st.query_params.get("lang") in LANG_NAMES:
        st.session_state["lang"] = st.query_params["lang"]


def _set_page(page: str) -> None:
    st.session_state["page"] = page
    st.query_params["page"] = page
    if page != "explore":
        st.query_params.pop("term", None)


def main() -> None:
    _from_url()
    with st.sidebar:
        st.markdown("## :material/balance: enforcekg")
        st.caption("Enforcement of judgments and arbitral awards in Mainland China · 中国内地判决与仲裁裁决的执行")
        # controlled widgets (an index, no key): they always show the page and language in use, also
        # after the URL or a click elsewhere changed them
        pages = list(PAGES)
        page = st.radio("Page", pages, index=pages.index(st.session_state["page"]),
                        format_func=lambda k: f"{PAGES[k][1]} {PAGES[k][0]}", label_visibility="collapsed")
        if page != st.session_state["page"]:
            _set_page(page)
        st.divider()
        langs = list(LANG_NAMES)
        st.session_state["lang"] = st.radio("Labels", langs, index=langs.index(st.session_state.get("lang", "en")),
                                            format_func=LANG_NAMES.get, horizontal=True,
                                            help="The language of labels and definitions throughout the app.")
        if st.session_state["lang"] != "en":
            st.query_params["lang"] = st.session_state["lang"]
        else:
            st.query_params.pop("lang", None)
        source_box = st.empty()
    try:
        PAGES[st.session_state["page"]][2]()
    except QueryError as exc:  # a remote endpoint that is down, slow or refuses us: say so, do not crash
        st.error(f"The query could not be answered: {exc}")
        if not is_embedded():
            st.info("The app is using the SPARQL endpoint configured in the environment; see the Data source page.")
    eng = engine()
    if is_embedded():
        source_box.caption(f"Data: embedded graph · {len(eng):,} triples")
    else:
        source_box.caption(f"Data: SPARQL endpoint {endpoint_settings()['url']}")
    start_docs_build()  # after the page, so the first render is not slowed down


main()
