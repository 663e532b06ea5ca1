"""Shared fixtures: the shipped graph is loaded once per test session."""

from pathlib import Path

import pytest

from enforcekg.load import load_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shipped_graph():
    """The ontology plus the knowledge base (shared: tests must not modify it)."""
    return load_knowledge_graph(copy=False)
