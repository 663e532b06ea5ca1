"""Shared fixtures: the shipped graph is loaded once per test session."""

from pathlib import Path

import pytest

from enforcekg.load import load_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shipped_graph():
    """The ontology plus the knowledge base (shared: tests must not modify it)."""
    return load_knowledge_graph(copy=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real ``oxigraph serve`` on 127.0.0.1, one per test module (skipped when the binary is missing)."""
    from oxigraph_server import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def stub():
    """A fake SPARQL server answering by path (errors, auth, slowness: see ``oxigraph_server.StubServer``)."""
    from oxigraph_server import StubServer

    running = StubServer()
    yield running
    running.stop()
