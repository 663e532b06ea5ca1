"""Load the ontology and the knowledge base into one graph.

The graph is the union of every ``ontology/*.ttl`` module (not the shapes) and every
``data/*.ttl`` and ``data/generated/*.ttl`` file. A file that does not parse raises
:class:`GraphLoadError` naming the file, line and what the parser expected.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from .namespaces import bind_prefixes
from .paths import DATA_DIR, GENERATED_DIR, ONTOLOGY_DIR


class GraphLoadError(ValueError):
    """A source file could not be read as RDF."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path, self.line, self.column = Path(path), line, column
        where = f"{path}:{line}" if line else str(path)
        if line and column:
            where += f":{column}"
        super().__init__(f"{where}: {message}")


def ontology_files() -> list[Path]:
    """The ontology modules, in a stable order."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


def knowledge_files() -> list[Path]:
    """The knowledge-base files, hand-written and generated, in a stable order."""
    return sorted(DATA_DIR.glob("*.ttl")) + sorted(GENERATED_DIR.glob("*.ttl"))


def source_files() -> list[Path]:
    """Every file that makes up the shipped graph."""
    return ontology_files() + knowledge_files()


def parse_file(graph: Graph, path: Path, fmt: str = "turtle") -> Graph:
    """Parse *path* into *graph*, turning parser errors into :class:`GraphLoadError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GraphLoadError(path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    if not text.strip():
        raise GraphLoadError(path, "the file is empty; expected RDF statements")
    try:
        graph.parse(data=text, format=fmt, publicID=Path(path).resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated types
        message = str(exc)
        match = re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else None
        raise GraphLoadError(path, f"invalid {fmt}: {message.strip()}", line) from exc
    return graph


def load_files(paths, graph: Graph | None = None) -> Graph:
    """Parse every path into one graph (a new one unless *graph* is given)."""
    graph = bind_prefixes(graph if graph is not None else Graph())
    for path in paths:
        parse_file(graph, path)
    return graph


@lru_cache(maxsize=1)
def _shipped_graph() -> Graph:
    return load_files(source_files())


def load_knowledge_graph(copy: bool = True) -> Graph:
    """The ontology plus the knowledge base. Returns a fresh copy unless *copy* is False."""
    graph = _shipped_graph()
    if not copy:
        return graph
    clone = bind_prefixes(Graph())
    for triple in graph:
        clone.add(triple)
    return clone


def to_oxigraph(graph: Graph, store=None):
    """Copy an rdflib *graph* into a pyoxigraph store (a new in-memory one unless *store* is given)."""
    import pyoxigraph

    store = store if store is not None else pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store
