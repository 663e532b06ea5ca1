"""SPARQL workbench: a highlighted editor, read-only queries with the command line's limits."""

from __future__ import annotations

import streamlit as st

try:
    from ..engine import free_query_prologue as prologue
except ImportError:  # older layout
    from ..namespaces import sparql_prologue as prologue
from ..sparql import run_free_query
from ..store import DEFAULT_LIMIT, DEFAULT_TIMEOUT, QueryError, QueryTimeout, UpdateRefused
from .common import engine
from .results import show_result

EXAMPLES = {
    "Remedies and their legal basis": """SELECT ?remedy ?label ?labelZh
       (GROUP_CONCAT(DISTINCT ?basisLabel; separator = "; ") AS ?legalBasis)
WHERE {
  ?remedy a ekg:Remedy ;
          rdfs:label ?label , ?labelZh .
  FILTER(LANG(?label) = "en" && LANG(?labelZh) = "zh")
  OPTIONAL { ?remedy ekg:hasLegalBasis/rdfs:label ?basisLabel FILTER(LANG(?basisLabel) = "en") }
}
GROUP BY ?remedy ?label ?labelZh
ORDER BY ?label
LIMIT 100""",
    "How many members each mechanism class has (chart)": """SELECT ?label (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?class rdfs:subClassOf ekg:LegalMechanism ;
         rdfs:label ?label .
  FILTER(LANG(?label) = "en" && ?class != ekg:LegalMechanism)
  ?member a ?class .
}
GROUP BY ?label
ORDER BY DESC(?members)""",
    "Terms whose Chinese label mentions 一人公司": """SELECT ?term ?zh ?en WHERE {
  ?term rdfs:label|skos:altLabel ?zh .
  FILTER(LANG(?zh) = "zh" && CONTAINS(?zh, "一人公司"))
  OPTIONAL { ?term rdfs:label ?en FILTER(LANG(?en) = "en") }
}""",
    "Is the New York Convention in the graph? (ASK)": "ASK { ekgid:new-york-convention a ekg:Treaty }",
    "Everything said about the two-year limit (CONSTRUCT)": """CONSTRUCT { ?s ?p ?o } WHERE {
  ?s a ekg:TimeLimit ; ekg:duration "P2Y"^^xsd:duration ; ?p ?o .
}""",
}
DEFAULT = "Remedies and their legal basis"


def _editor(initial: str) -> str:
    """The query text: the Ace editor (SPARQL highlighting) when installed, else a text area."""
    plain = st.session_state.get("plain-editor", False)
    if not plain:
        try:
            from streamlit_ace import st_ace
        except ImportError:
            plain = True
        else:
            return st_ace(value=initial, language="sparql", theme="chrome", key=f"ace-{st.session_state['editor-rev']}",
                          min_lines=14, max_lines=40, font_size=14, tab_size=2, show_gutter=True, wrap=True,
                          auto_update=True) or initial
    text = st.text_area("SPARQL query", value=initial, height=300, key=f"text-{st.session_state['editor-rev']}")
    with st.expander("Highlighted", expanded=False):
        st.code(text, language="sparql")
    return text


def _load_example() -> None:
    st.session_state["editor-text"] = prologue() + "\n" + EXAMPLES[st.session_state["example"]]
    st.session_state["editor-rev"] += 1
    st.session_state.pop("sparql-result", None)


def render() -> None:
    st.title("SPARQL workbench")
    st.caption("Free, read-only SPARQL 1.1 over the graph and its inferences. Only SELECT, ASK, CONSTRUCT and DESCRIBE "
               "run; updates and SERVICE are refused and the graph is never changed.")
    st.session_state.setdefault("editor-rev", 0)
    st.session_state.setdefault("editor-text", prologue() + "\n" + EXAMPLES[DEFAULT])
    top = st.columns([3, 1])
    top[0].selectbox("Load an example", list(EXAMPLES), key="example", index=list(EXAMPLES).index(DEFAULT),
                     on_change=_load_example)
    top[1].toggle("Plain text editor", key="plain-editor", help="Use a simple text box instead of the code editor.")
    with st.expander("Prefixes declared for you"):
        st.code(prologue(), language="sparql")
    text = _editor(st.session_state["editor-text"])
    limits = st.columns([1, 1, 1])
    timeout = limits[0].number_input("Time limit (seconds)", 1.0, 600.0, float(DEFAULT_TIMEOUT), key="sparql-timeout",
                                     help="The query is stopped after this long, as with `enforcekg sparql --timeout`.")
    limit = limits[1].number_input("Row cap", 1, 1_000_000, DEFAULT_LIMIT, key="sparql-limit",
                                   help="At most this many rows are returned, as with `enforcekg sparql --limit`.")
    limits[2].write("")
    run = limits[2].button("Run", type="primary", key="sparql-run", width="stretch")
    if run:
        st.session_state["editor-text"] = text
        try:
            with st.spinner("Running…"):
                st.session_state["sparql-result"] = run_free_query(text, engine=engine(), timeout=timeout, limit=int(limit))
            st.session_state.pop("sparql-error", None)
        except QueryTimeout as exc:
            st.session_state["sparql-error"] = f"{exc} (raise the time limit above)".replace(", or allow more time with --timeout", "")
        except UpdateRefused as exc:
            st.session_state["sparql-error"] = str(exc)
        except QueryError as exc:
            st.session_state["sparql-error"] = str(exc)
        if st.session_state.get("sparql-error"):
            st.session_state.pop("sparql-result", None)
    if st.session_state.get("sparql-error"):
        st.error(st.session_state["sparql-error"])
    elif st.session_state.get("sparql-result") is not None:
        show_result(st.session_state["sparql-result"], "sparql-result", key="sparql")
