"""Data source: which graph the app queries, how to point it at a SPARQL endpoint, and the docs."""

from __future__ import annotations

import streamlit as st

from .common import endpoint_settings, engine, is_embedded, remote_problem
from .docs_link import docs_ready, docs_url, start_docs_build


def render() -> None:
    st.title("Data source")
    eng = engine()
    settings = endpoint_settings()
    if is_embedded():
        from ..load import source_files
        from ..paths import ROOT

        st.success(f"Embedded graph: the ontology, the knowledge base and their OWL 2 RL inferences — "
                   f"{len(eng):,} triples in an in-memory Oxigraph store, loaded in {eng.load_seconds:.1f} s "
                   "and shared by every page and visitor.")
        if remote_problem():
            st.warning(remote_problem())
        files = source_files()
        with st.expander(f"The {len(files)} files loaded"):
            st.code("\n".join(str(p.relative_to(ROOT)) for p in files), language="text")
    else:
        st.success(f"Remote SPARQL endpoint: {settings['url']} ({getattr(eng, 'server', 'SPARQL 1.1')} server). "
                   "Every page queries it; Assess and Validate can also take the matters published on it "
                   "(uploaded matters are checked locally).")
        try:
            ok = eng.ask("ASK { ?s ?p ?o }", timeout=10)
            if ok:
                st.caption("The endpoint answers.")
            else:
                st.warning("The endpoint answers but holds none of the published graphs: load them with "
                           "`enforcekg publish --endpoint URL`.")
        except Exception as exc:  # any transport or server error, said plainly
            st.error(f"The endpoint does not answer: {exc}")
    st.markdown("""
**Use a SPARQL endpoint instead.** Load the graph into a SPARQL 1.1 server with `enforcekg publish`, then start
the app with the endpoint's query URL in the environment (credentials, timeout and graph names are read
from `ENFORCEKG_USER`, `ENFORCEKG_PASSWORD`, `ENFORCEKG_TIMEOUT`, `ENFORCEKG_GRAPH`… as on the command line):

```bash
ENFORCEKG_ENDPOINT=http://127.0.0.1:7878/query .venv/bin/streamlit run app.py
```

or put it in `.streamlit/secrets.toml`:

```toml
[enforcekg]
sparql_endpoint = "http://127.0.0.1:7878/query"
```

Every page then queries the server, and Assess and Validate offer the matters published on it (`enforcekg publish
--data FILES`) besides uploads and the form; the reasoning and the checks run in the app, with the same results as
over the files.
See `docs/endpoints.md` for GraphDB, Fuseki, Virtuoso and QLever.
""")
    st.subheader("HTML documentation")
    state = start_docs_build()
    if docs_ready():
        st.markdown(f"[Open the HTML documentation of the ontology, knowledge base and shapes ↗]({docs_url()})")
    elif state.get("error"):
        st.error(f"The documentation could not be built: {state['error']}")
    else:
        st.caption("The documentation is being built (`enforcekg docs static/docs`); reload this page in a moment.")
