"""What the app's pages share: the engine (cached), the language, navigation, clickable HTML,
result tables, charts and downloads. Streamlit-specific; the logic lives in the package."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

import streamlit as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import store
from ..store import compact

LANG_NAMES = {"en": "English", "zh": "中文"}
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short,
           XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
           XSD.unsignedInt, XSD.unsignedLong}
MAX_UPLOAD_MB = float(os.environ.get("ENFORCEKG_MAX_UPLOAD_MB", "5"))
ENDPOINT_ENV = "ENFORCEKG_SPARQL_ENDPOINT"


def lang() -> str:
    return st.session_state.get("lang", "en")


# --------------------------------------------------------------------------- engines


@st.cache_resource(show_spinner="Loading the knowledge graph and its inferences…")
def embedded_engine():
    """The shipped graph with its OWL 2 RL closure in the embedded store (built once per server)."""
    return store.default_engine()


@st.cache_resource(show_spinner=False)
def asserted_graph():
    """The asserted statements (to mark what the reasoner inferred); embedded mode only."""
    from ..load import load_knowledge_graph

    return load_knowledge_graph(copy=False)


def endpoint_settings() -> dict | None:
    """The remote SPARQL endpoint configured by environment or ``.streamlit/secrets.toml``."""
    url = os.environ.get(ENDPOINT_ENV, "").strip()
    if not url:
        try:
            section = st.secrets.get("enforcekg", {})
            url = str(section.get("sparql_endpoint", "")).strip()
        except Exception:  # no secrets file
            url = ""
    return {"url": url} if url else None


def remote_engine_factory():
    """The package's remote engine class, if this version has one (issue 7), else None."""
    for module_name, names in (("enforcekg.store", ("RemoteEngine", "SparqlEndpointEngine")),
                               ("enforcekg.remote", ("RemoteEngine", "SparqlEndpointEngine"))):
        try:
            module = __import__(module_name, fromlist=list(names))
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name):
                return getattr(module, name)
    return None


@st.cache_resource(show_spinner="Connecting to the SPARQL endpoint…")
def _remote_engine(url: str):
    factory = remote_engine_factory()
    return factory(url) if factory is not None else None


def engine():
    """The engine every page queries: the remote endpoint when configured and usable, else embedded."""
    settings = endpoint_settings()
    if settings:
        remote = _remote_engine(settings["url"])
        if remote is not None:
            return remote
    return embedded_engine()


def is_embedded() -> bool:
    return isinstance(engine(), store.LocalEngine)


def asserted_or_none():
    return asserted_graph() if is_embedded() else None


# --------------------------------------------------------------------------- navigation


def open_term(curie: str | None) -> None:
    """Show *curie* on the Explore page (works inside widget callbacks)."""
    st.session_state["page"] = "explore"
    st.query_params["page"] = "explore"
    if curie:
        st.session_state["term"] = curie
        st.query_params["term"] = curie
    else:
        st.session_state.pop("term", None)
        st.query_params.pop("term", None)


CLICK_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  let box = parentElement.querySelector('.ekg-box');
  if (!box) { box = document.createElement('div'); box.className = 'ekg-box'; parentElement.appendChild(box); }
  box.innerHTML = data;
  box.querySelectorAll('[data-term]').forEach((el) => {
    const go = (e) => { e.preventDefault(); e.stopPropagation(); setTriggerValue('clicked', el.getAttribute('data-term')); };
    el.addEventListener('click', go);
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(e); });
  });
}
"""

CLICK_CSS = """
.ekg-box { font-family: var(--st-font, "Source Sans Pro", sans-serif); font-size: 0.95rem; color: var(--st-text-color, #222); }
.ekg-box a[data-term] { color: var(--st-link-color, #1f6feb); text-decoration: none; cursor: pointer; }
.ekg-box a[data-term]:hover { text-decoration: underline; }
.ekg-box a.current { font-weight: 700; }
.ekg-box ul.tree, .ekg-box ul.tree ul { list-style: none; margin: 0; padding-left: 1.1em; }
.ekg-box ul.tree { padding-left: 0; max-height: 34rem; overflow-y: auto; }
.ekg-box ul.tree li { margin: 0.12em 0; }
.ekg-box details > summary { cursor: pointer; }
.ekg-box .count { color: #888; font-size: 0.8em; margin-left: 0.3em; }
.ekg-box table { border-collapse: collapse; width: 100%; }
.ekg-box th, .ekg-box td { text-align: left; vertical-align: top; padding: 0.25em 0.5em; border-bottom: 1px solid #eee; }
.ekg-box th { font-weight: 600; width: 30%; color: #444; }
.ekg-box .inferred { color: #888; font-style: italic; font-size: 0.85em; }
.ekg-box .curie { color: #888; font-size: 0.8em; font-family: monospace; }
.ekg-box .more { color: #888; font-size: 0.85em; }
.ekg-box svg .node { cursor: pointer; }
.ekg-box svg .node:hover rect { stroke-width: 2.5; fill-opacity: 0.3; }
.ekg-box svg .node.center:hover rect { fill-opacity: 1; }
.ekg-box svg text { font-size: 12px; font-family: var(--st-font, sans-serif); }
.ekg-box svg .edge-label { font-size: 10px; fill: #777; }
.ekg-box .sources a[data-term] { margin-right: 0.8em; }
"""

_clickable = st.components.v2.component("enforcekg_clickable", js=CLICK_JS, css=CLICK_CSS)


def _on_click(key: str) -> None:
    value = st.session_state.get(key) or {}
    curie = value.get("clicked") if hasattr(value, "get") else None
    if curie:
        open_term(curie)


def clickable(html_text: str, key: str) -> None:
    """Show trusted, escaped HTML whose ``[data-term]`` elements open that term when clicked."""
    _clickable(data=html_text, key=key, on_clicked_change=lambda: _on_click(key))


# --------------------------------------------------------------------------- results


def cell(term, lang_: str = "en"):
    """A result cell for a table: numbers as numbers, IRIs as CURIEs, other literals as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in NUMERIC:
            try:
                value = term.toPython()
                return float(value) if not isinstance(value, int) else value
            except (TypeError, ValueError):
                return str(term)
        if term.datatype == XSD.boolean:
            return str(term).lower() in ("true", "1")
        return str(term)
    return compact(term)


def result_frame(result):
    import pandas as pd

    columns = list(result.variables)
    return pd.DataFrame([[cell(t) for t in row] for row in result.rows], columns=columns)


def numeric_columns(result) -> list[str]:
    """Columns whose every bound value is a number (and at least one is bound)."""
    out = []
    for index, name in enumerate(result.variables):
        values = [row[index] for row in result.rows if row[index] is not None]
        if values and all(isinstance(v, Literal) and v.datatype in NUMERIC for v in values):
            out.append(name)
    return out


def show_result(result, name: str, key: str) -> None:
    """A query result as a table (and a bar chart when numeric), with CSV / JSON downloads."""
    if result.kind == "ask":
        st.metric("Answer (ASK)", "true" if result.boolean else "false")
    elif result.kind == "graph":
        st.caption(f"{len(result.rows):,} triple(s) in {result.elapsed:.2f} s")
        st.code(store.render_table(result), language="turtle")
    else:
        st.caption(f"{len(result.rows):,} row(s) in {result.elapsed:.2f} s")
        if not result.rows:
            st.info("No rows: nothing in the graph matches this question.")
        frame = result_frame(result)
        st.dataframe(frame, width="stretch", hide_index=True)
        numbers = numeric_columns(result)
        labels = [v for v in result.variables if v not in numbers]
        if numbers and labels and 1 < len(result.rows) <= 200:
            x = next((v for v in labels if "label" in v.lower()), labels[0])
            st.caption(f"Chart: {', '.join(numbers)} by {x}")
            st.bar_chart(frame, x=x, y=numbers, horizontal=True, height=max(220, 26 * len(result.rows)))
    notice = store.truncation_notice(result)
    if notice:
        st.warning(f"Only the first {result.limit:,} rows are shown; the query has more. "
                   "Raise the row cap or narrow the query.")
    columns = st.columns(3)
    columns[0].download_button("Download CSV", store.render_csv(result), f"{name}.csv", "text/csv", key=f"{key}-csv")
    columns[1].download_button("Download JSON", store.render_json(result), f"{name}.json",
                               "application/sparql-results+json", key=f"{key}-json")
    if result.kind == "graph":
        columns[2].download_button("Download Turtle", store.render_table(result), f"{name}.ttl", "text/turtle",
                                   key=f"{key}-ttl")


# --------------------------------------------------------------------------- uploads


def upload_too_big(upload) -> str | None:
    """The message refusing *upload* when it is over the size limit, else None."""
    size = getattr(upload, "size", None) or len(upload.getvalue())
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        return (f"{upload.name} is {size / 1024 / 1024:.1f} MB; files over {MAX_UPLOAD_MB:g} MB are refused here "
                "to keep the app responsive. Split it, or use `enforcekg validate FILE` on the command line.")
    return None


def save_uploads(uploads) -> list[Path]:
    """Write uploaded files to a private temporary folder (keeping their names) and return the paths."""
    digest = hashlib.sha1(b"".join(u.getvalue() for u in uploads)).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"enforcekg-upload-{os.getpid()}-{digest}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths = []
    for upload in uploads:
        name = Path(upload.name).name.replace("\x00", "") or "upload.ttl"
        path = folder / name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


# --------------------------------------------------------------------------- HTML documentation


def docs_dir() -> Path:
    """Where the app keeps the HTML documentation: ``static/docs`` beside app.py (served by Streamlit)."""
    from ..paths import ROOT

    return ROOT / "static" / "docs"


def docs_url(term=None) -> str:
    """The URL of the documentation index, or of *term*'s page."""
    from ..docs import Docs

    return "app/static/docs/" + (Docs.page_path(term) if term is not None else "index.html")


def docs_ready() -> bool:
    return (docs_dir() / "index.html").exists() and not _docs_stale()


def _docs_stale() -> bool:
    from ..load import source_files
    from ..paths import SHAPES_DIR

    index = docs_dir() / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    return any(p.stat().st_mtime > built for p in [*source_files(), *SHAPES_DIR.glob("*.ttl")])


@st.cache_resource(show_spinner=False)
def _docs_builder():
    """Build the documentation once per server, in the background, when missing or stale."""
    import threading

    def build():
        from ..docs import build_docs, load_shapes
        from ..load import load_knowledge_graph

        try:
            build_docs(load_knowledge_graph(copy=False), load_shapes(), docs_dir())
        except Exception as exc:  # the app works without the docs; say why they are missing
            state["error"] = str(exc)

    state: dict = {"error": None}
    thread = None
    if _docs_stale():
        thread = threading.Thread(target=build, name="enforcekg-docs", daemon=True)
        thread.start()
    state["thread"] = thread
    return state


def start_docs_build() -> dict:
    return _docs_builder()
