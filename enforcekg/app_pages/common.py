"""What the app's pages share: the engine (cached), the language, navigation, clickable HTML and
uploads. Streamlit-specific; the logic lives in the package."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import streamlit as st

from .. import store

LANG_NAMES = {"en": "English", "zh": "中文"}
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
    """The remote SPARQL endpoint configured by the environment (``ENFORCEKG_ENDPOINT`` or
    ``ENFORCEKG_SPARQL_ENDPOINT``, with credentials and options as :mod:`enforcekg.remote` reads them)
    or by ``[enforcekg] sparql_endpoint`` in ``.streamlit/secrets.toml``."""
    try:
        from ..remote import env_endpoint
    except ImportError:
        env_endpoint = None
    url = (env_endpoint() if env_endpoint else os.environ.get(ENDPOINT_ENV, "")) or ""
    if not url.strip():
        try:
            url = str(st.secrets.get("enforcekg", {}).get("sparql_endpoint", ""))
        except Exception:  # no secrets file
            url = ""
    return {"url": url.strip()} if url.strip() else None


def remote_engine_factory():
    """The package's remote engine class (:class:`enforcekg.remote.RemoteEngine`), or None."""
    try:
        from ..remote import RemoteEngine
    except ImportError:
        return None
    return RemoteEngine


@st.cache_resource(show_spinner="Connecting to the SPARQL endpoint…")
def _remote_engine(url: str):
    factory = remote_engine_factory()
    return factory(url) if factory is not None else None


def remote_problem() -> str | None:
    """Why the configured endpoint is not used (bad configuration), or None."""
    settings = endpoint_settings()
    if not settings:
        return None
    if remote_engine_factory() is None:
        return (f"A SPARQL endpoint is configured ({settings['url']}), but this version of enforcekg has no "
                "remote engine, so the embedded graph is used.")
    try:
        _remote_engine(settings["url"])
    except Exception as exc:  # EndpointError: says what to fix
        return f"The SPARQL endpoint {settings['url']} cannot be used ({exc}); the embedded graph is used instead."
    return None


def engine():
    """The engine every page queries: the remote endpoint when configured and usable, else embedded."""
    settings = endpoint_settings()
    if settings and remote_problem() is None:
        return _remote_engine(settings["url"])
    return embedded_engine()


def is_embedded() -> bool:
    return isinstance(engine(), store.LocalEngine)


def asserted_or_none():
    return asserted_graph() if is_embedded() else None


# --------------------------------------------------------------------------- matters on the server


def case_server():
    """The remote engine when the app reads a SPARQL endpoint (matters can be fetched from it), else None."""
    return None if is_embedded() else engine()


@st.cache_data(ttl=60, show_spinner="Listing the matters on the server…")
def _server_matters(url: str) -> list:
    from ..casesource import list_matters

    return list_matters(_remote_engine(url))


def pick_server_matters(key: str):
    """Choose matters published on the endpoint; their :class:`~enforcekg.intake.CaseData` (kept for the
    session), or None while none is chosen or the server cannot give them (the reason is shown)."""
    from ..casesource import fetch_case_data
    from ..engine import QueryError

    try:
        matters = _server_matters(endpoint_settings()["url"])
    except QueryError as exc:
        st.error(f"The matters on the server could not be listed: {exc}")
        return None
    if not matters:
        st.info("The server holds no matters: publish case files with `enforcekg publish --data FILE --endpoint URL`.")
        return None
    chosen = st.multiselect(f"Matters on the server ({len(matters):,})", matters, key=key, format_func=lambda m: m.title(),
                            placeholder="Type a matter id or label")
    if not chosen:
        return None
    iris = tuple(m.iri for m in chosen)
    stored = st.session_state.get(f"{key}-data")
    if not stored or stored[0] != iris:
        try:
            with st.spinner(f"Fetching {len(iris)} matter(s) from the server…"):
                stored = (iris, fetch_case_data(case_server(), list(iris)))
        except QueryError as exc:
            st.error(f"The matters could not be fetched from the server: {exc}")
            return None
        st.session_state[f"{key}-data"] = stored
    return stored[1]


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
.ekg-box svg .edge-label { font-size: 10px; fill: #666; font-style: italic; }
.ekg-box .other-label { font-size: 1.15rem; font-weight: 600; margin-bottom: 0.2em; }
.ekg-box .meta { color: #666; font-size: 0.9em; margin-bottom: 0.6em; }
.ekg-box code.curie { background: #f3f5f7; padding: 0 0.3em; border-radius: 3px; }
.ekg-box blockquote { margin: 0.4em 0 0.8em 0; padding: 0.3em 0.9em; border-left: 3px solid #c8d3de; color: #333; }
.ekg-box .row { margin: 0.35em 0; }
.ekg-box .sources { margin-left: 1em; }
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
