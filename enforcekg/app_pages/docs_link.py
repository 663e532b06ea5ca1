"""The HTML documentation (``enforcekg docs``) served by the app: built into ``static/docs`` beside
app.py in the background, linked from the Explore and Data source pages."""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

DOCS_DELAY = float(os.environ.get("ENFORCEKG_DOCS_DELAY", "8"))  # ENFORCEKG_BUILD_DOCS=0 turns the build off


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

        time.sleep(DOCS_DELAY)  # let the first pages render before taking the CPU
        try:
            build_docs(load_knowledge_graph(copy=False), load_shapes(), docs_dir())
        except Exception as exc:  # the app works without the docs; say why they are missing
            state["error"] = str(exc)

    state: dict = {"error": None}
    thread = None
    if os.environ.get("ENFORCEKG_BUILD_DOCS", "1") != "0" and _docs_stale():
        thread = threading.Thread(target=build, name="enforcekg-docs", daemon=True)
        thread.start()
    state["thread"] = thread
    return state


def start_docs_build() -> dict:
    return _docs_builder()
