"""Saved queries: pick one, fill the form its header generates, run it, see and download the answer."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import query as saved
from ..store import DEFAULT_LIMIT, DEFAULT_TIMEOUT, QueryError, compact
from .common import engine, is_embedded, save_uploads, upload_too_big
from .results import show_result

NONE = "— not set —"


@st.cache_resource(show_spinner="Loading the case files with the graph…", max_entries=4)
def _engine_with(paths: tuple[str, ...]):
    from ..store import LocalEngine

    return LocalEngine(data_files=list(paths))


def _options(spec, eng) -> list[tuple[str, str]]:
    """(raw value, shown text) pairs for an enumerated parameter."""
    if spec.values is not None:
        return [(v, v) for v in spec.values]
    pairs = saved.allowed_values(spec, eng) or []
    out = [(str(term), f"{label}  ·  {compact(term)}" if label != compact(term) else label) for term, label in pairs]
    return sorted(out, key=lambda p: p[1].lower())


def _default_raw(spec, eng) -> str | None:
    if spec.default is None:
        return None
    if spec.type == "iri":
        try:
            return str(saved.convert_value(spec, spec.default))
        except saved.ParameterError:
            return spec.default
    return spec.default


def _field(spec, eng, key: str):
    """One form field for *spec*; returns the raw text to bind (or None when not set)."""
    label = spec.name + (" *" if spec.required and spec.default is None else "") + (f" — {spec.help}" if spec.help else "")
    help_text = f"`{spec.name}` ({spec.type}): {saved.TYPE_HELP[spec.type]}" + (
        "" if spec.required or spec.default is not None else "; leave it unset to match anything")
    default = _default_raw(spec, eng)
    if spec.enumerated:
        options = _options(spec, eng)
        values = [v for v, _ in options]
        shown = dict(options)
        choices = values if spec.required else [NONE] + values
        index = choices.index(default) if default in choices else 0
        value = st.selectbox(label, choices, index=index, key=key, help=help_text,
                             format_func=lambda v: shown.get(v, v))
        return None if value == NONE else value
    if spec.type == "boolean":
        return "true" if st.checkbox(label, value=str(default).lower() in ("true", "yes", "1"), key=key,
                                     help=help_text) else "false"
    if spec.type == "date":
        initial = date.today() if default in (None, "today") else date.fromisoformat(default)
        value = st.date_input(label, value=initial if (default or spec.required) else None, key=key, help=help_text)
        return value.isoformat() if value else None
    value = st.text_input(label, value=default or "", key=key, help=help_text)
    return value if value != "" or spec.type == "string" and spec.required else None


def render() -> None:
    st.title("Saved queries")
    st.caption("The questions analysts ask, one SPARQL file each in `queries/`. The form below is generated "
               "from the query's header; values are bound as typed RDF terms, never pasted into the query.")
    queries = saved.saved_queries()
    names = [q.name for q in queries]
    by_name = {q.name: q for q in queries}
    chosen = st.session_state.get("saved-query")
    if chosen not in by_name:
        chosen = "remedies-for-debtor-profile" if "remedies-for-debtor-profile" in by_name else names[0]
    groups = ["all"] + [g for g in saved.GROUPS if any(q.group == g for q in queries)]
    cols = st.columns([1, 3])
    group = cols[0].selectbox("Group", groups, key="query-group")
    shown = [n for n in names if group == "all" or by_name[n].group == group]
    if chosen not in shown:
        chosen = shown[0]
    # a controlled selectbox (no key): its index always follows the chosen query, so the browser never
    # shows a stale choice after a rerun
    name = cols[1].selectbox("Query", shown, index=shown.index(chosen),
                             format_func=lambda n: f"{by_name[n].title}  ({by_name[n].group}/{n})")
    st.session_state["saved-query"] = name
    st.query_params["query"] = name
    query = by_name[name]
    st.markdown(f"**{query.title}** — {query.description}")
    if query.tags:
        st.caption("tags: " + ", ".join(query.tags))

    eng = engine()
    with st.expander("Run over case files too (Turtle, JSON-LD or CSV)", expanded=query.group == "analytics"):
        if is_embedded():
            uploads = st.file_uploader("Case files", type=["ttl", "jsonld", "json", "csv"], accept_multiple_files=True,
                                       key="query-uploads", label_visibility="collapsed")
            refused = [m for m in (upload_too_big(u) for u in uploads or []) if m]
            for message in refused:
                st.error(message)
            if uploads and not refused:
                try:
                    eng = _engine_with(tuple(str(p) for p in save_uploads(uploads)))
                    st.caption(f"Querying the graph plus {len(uploads)} case file(s).")
                except (QueryError, ValueError) as exc:
                    st.error(f"The case files could not be read: {exc}")
        else:
            st.caption("With a remote endpoint, load case data into the server with `enforcekg publish`.")

    with st.form(f"form-{name}"):
        raw = {}
        if query.params:
            for spec in query.params:
                value = _field(spec, eng, key=f"param-{name}-{spec.name}")
                if value is not None:
                    raw[spec.name] = value
        else:
            st.caption("This query has no parameters.")
        limits = st.columns(2)
        timeout = limits[0].number_input("Time limit (seconds)", 1.0, 600.0, float(DEFAULT_TIMEOUT), key=f"timeout-{name}")
        limit = limits[1].number_input("Row cap", 1, 1_000_000, DEFAULT_LIMIT, key=f"limit-{name}")
        submitted = st.form_submit_button("Run query", type="primary")
    if submitted:
        try:
            result = saved.run_saved_query(query, raw, eng, timeout=timeout, limit=int(limit))
            # the unbound optional parameters' columns are empty in every row: leave them out here
            empty = [p.name for p in query.params if p.name in result.variables
                     and all(v is None for v in result.column(p.name))]
            st.session_state["query-result"] = (name, result.without_columns(empty))
        except saved.ParameterError as exc:
            st.session_state.pop("query-result", None)
            st.error(f"Check the form: {exc}")
        except QueryError as exc:
            st.session_state.pop("query-result", None)
            st.error(f"The query could not run: {exc}")
    stored = st.session_state.get("query-result")
    if stored and stored[0] == name:
        show_result(stored[1], name, key=f"result-{name}")
    with st.expander("SPARQL"):
        st.code(query.text, language="sparql")
