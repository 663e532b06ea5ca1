"""The embedded query engine: the graph in an in-memory SPARQL store, queried safely.

:class:`LocalEngine` loads the shipped graph with its OWL 2 RL closure
(:func:`enforcekg.reason.ontology_closure`) and any case files into an in-memory
`pyoxigraph <https://pyoxigraph.readthedocs.io>`_ store. It implements the interface of
:mod:`enforcekg.engine` (``select`` / ``query`` / ``ask`` returning a :class:`QueryResult`), as does
:class:`enforcekg.remote.RemoteEngine` for a SPARQL 1.1 server; :func:`engine_from_config` picks
one from ``--endpoint`` or the environment (``ENFORCEKG_ENDPOINT``).

Safety:

- **read-only**: queries go through ``Store.query``, which cannot execute an update; free
  queries are also parsed first (:func:`check_read_only`) so that an update is refused with a
  clear message rather than a syntax error.
- **parameters** are pre-bound (SPARQL SEP-0007 substitutions), never pasted into the query text.
- **timeout**: neither pyoxigraph nor rdflib can interrupt a running query from another thread,
  so queries with a timeout run in a worker process (forked with the loaded store); a query
  that runs too long is stopped by killing the worker, which is restarted for the next query.
- **row cap**: at most *limit* rows (or triples) are returned; ``result.truncated`` says when the
  query had more.

The result types and errors live in :mod:`enforcekg.engine`, the serialisers (``table``, ``csv``,
``tsv``, ``json``) in :mod:`enforcekg.render`; both are re-exported here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .engine import (CASE_NAMESPACE, DEFAULT_LIMIT, DEFAULT_TIMEOUT, PROJECT_PREFIXES, QueryEngine,  # noqa: F401
                     QueryError, QueryResult, QuerySyntaxError, QueryTimeout, UpdateRefused, check_read_only,
                     free_query_prologue)
from .namespaces import bind_prefixes
from .render import (FORMATS, compact, render, render_csv, render_json, render_table, render_tsv,  # noqa: F401
                     result_json, term_json, truncation_notice)


# --------------------------------------------------------------------------- terms


def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"expected an rdflib URIRef, BNode or Literal, got {term!r}")


_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


def from_oxigraph(term):
    """A pyoxigraph term as an rdflib term (plain literals stay plain, lexical forms unchanged)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"unsupported result term {term!r}")  # RDF-star triples are not used


# --------------------------------------------------------------------------- execution


def _execute(store: ox.Store, request: dict) -> QueryResult:
    """Run one query request on *store* (in this process)."""
    started = time.perf_counter()
    limit = request.get("limit")
    substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in (request.get("bindings") or {}).items()}
    try:
        answer = store.query(
            request["query"],
            prefixes=request.get("prefixes") or None,
            substitutions=substitutions or None,
        )
    except SyntaxError as exc:
        raise QuerySyntaxError(f"not a valid SPARQL query: {exc}") from None
    except RuntimeError as exc:
        message = str(exc)
        if "SELECT projection" in message:
            raise QueryError(f"cannot bind a parameter: {message} (a bound variable must be projected)") from None
        raise QueryError(f"the query failed: {message}") from None
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from None

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer), elapsed=time.perf_counter() - started)

    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        kind = "select"
        convert = lambda solution: tuple(from_oxigraph(solution[i]) for i in range(len(variables)))  # noqa: E731
    else:
        variables = ["subject", "predicate", "object"]
        kind = "graph"
        convert = lambda t: (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))  # noqa: E731

    rows, truncated = [], False
    try:
        for item in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(convert(item))
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryError(f"the query failed while producing results: {exc}") from None
    return QueryResult(kind, variables, rows, truncated=truncated, limit=limit, elapsed=time.perf_counter() - started)


def _serve(store, conn, dump: bytes | None = None) -> None:
    """The worker loop: answer requests from *conn* until it closes."""
    if dump is not None:
        store = ox.Store()
        store.load(dump, format=ox.RdfFormat.N_QUADS)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", _execute(store, request))
        except QueryError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # never let the worker die on one bad query
            reply = ("error", "QueryError", f"the query failed: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


_ERRORS = {cls.__name__: cls for cls in (QueryError, QuerySyntaxError, UpdateRefused, QueryTimeout)}


class _Worker:
    """A child process holding a copy of the store; killed and restarted when a query overruns."""

    def __init__(self, store: ox.Store):
        self._store = store
        self._process = None
        self._conn = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        use_fork = "fork" in methods and threading.active_count() == 1 and os.environ.get("ENFORCEKG_WORKER_START") != "spawn"
        ctx = multiprocessing.get_context("fork" if use_fork else "spawn")
        parent, child = ctx.Pipe()
        if use_fork:
            args = (self._store, child, None)  # the fork inherits the loaded store
        else:
            args = (None, child, self._store.dump(format=ox.RdfFormat.N_QUADS))
        process = ctx.Process(target=_serve, args=args, daemon=True, name="enforcekg-query-worker")
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
            try:
                self._conn.close()
            except OSError:
                pass
        self._process = self._conn = None

    def call(self, request: dict, timeout: float) -> QueryResult:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self.stop()
                self._start()
            try:
                self._conn.send(request)
                ready = self._conn.poll(timeout)
            except (BrokenPipeError, OSError):
                self.stop()
                raise QueryError("the query process stopped unexpectedly; try again") from None
            if not ready:
                self.stop()
                raise QueryTimeout(
                    f"stopped: the query ran longer than {timeout:g} s; simplify it, add a LIMIT, "
                    "or allow more time with --timeout"
                )
            try:
                reply = self._conn.recv()
            except (EOFError, OSError):
                self.stop()
                raise QueryError("the query process stopped unexpectedly (out of memory?); try a narrower query") from None
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], QueryError)(reply[2])

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass


# --------------------------------------------------------------------------- engines


def read_case_files(paths) -> Graph:
    """Case files as one graph, read by :mod:`enforcekg.intake` (Turtle, JSON-LD, CSV) when present.

    Unreadable files raise :class:`enforcekg.load.GraphLoadError` (a ``ValueError``) naming the
    file, line and what was expected.
    """
    from .load import parse_file

    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise QueryError(f"{path}: no such case file")
    try:
        from . import intake
    except ModuleNotFoundError:
        intake = None
    if intake is not None and hasattr(intake, "read_files"):
        return intake.read_files(paths).graph
    graph = bind_prefixes(Graph())
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in (".jsonld", ".json"):
            parse_file(graph, path, fmt="json-ld")
        elif suffix in (".ttl", ".turtle", ".nt"):
            parse_file(graph, path)
        else:
            raise QueryError(f"{path}: cannot read {suffix} case files here; give Turtle (.ttl) or JSON-LD (.jsonld)")
    return graph


def _graph_to_store(graph: Graph, store: ox.Store | None = None) -> ox.Store:
    store = store if store is not None else ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return store


class LocalEngine(QueryEngine):
    """The shipped graph (with its OWL 2 RL inferences) plus case files, in an embedded store.

    ``LocalEngine()`` — the ontology, the knowledge base and their closure;
    ``LocalEngine(data_files=[...])`` — plus case files, with the closure recomputed over all
    (:func:`enforcekg.dataset.closed_triples`: case data stays in pyoxigraph terms throughout);
    ``LocalEngine(case=data)`` — the same for case data already read (:class:`enforcekg.intake.CaseData`);
    ``LocalEngine(graph=g)`` — exactly the triples of an rdflib graph (no reasoning).
    """

    def __init__(self, data_files=(), *, reasoning: bool = True, graph: Graph | None = None, case=None):
        from . import dataset

        started = time.perf_counter()
        self.data_files = [Path(p) for p in data_files]
        self.store = ox.Store()
        if graph is not None:
            _graph_to_store(graph, self.store)
        else:
            if case is not None:  # already read
                case = list(case.triples)
            elif self.data_files:
                case = dataset.read_case_triples(self.data_files)
            else:
                case = []
            if not case and not reasoning:
                from .load import load_knowledge_graph
                _graph_to_store(load_knowledge_graph(copy=False), self.store)
            else:
                triples = dataset.closed_triples(case, reasoning)
                self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        self.load_seconds = time.perf_counter() - started
        self._worker = None

    def __len__(self) -> int:
        return len(self.store)

    def query(self, query_text, bindings=None, *, timeout=DEFAULT_TIMEOUT, limit=DEFAULT_LIMIT,
              project_prefixes=True, read_only_check=False) -> QueryResult:
        """Run a read-only query. With a *timeout* (seconds) it runs in the worker process."""
        if read_only_check:
            check_read_only(query_text, prologue=project_prefixes)
        if limit is not None and limit < 0:
            raise QueryError("the row limit must be zero or more")
        request = {
            "query": query_text,
            "bindings": dict(bindings or {}),
            "limit": limit,
            "prefixes": PROJECT_PREFIXES if project_prefixes else None,
        }
        if not timeout:
            return _execute(self.store, request)
        if self._worker is None:
            self._worker = _Worker(self.store)
        return self._worker.call(request, float(timeout))

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


@lru_cache(maxsize=1)
def default_engine() -> LocalEngine:
    """The engine over the shipped graph and its inferences, built once per process."""
    return LocalEngine()


def engine_for(data_files=()) -> LocalEngine:
    """The shared default engine, or a new one that also holds *data_files*."""
    return LocalEngine(data_files) if data_files else default_engine()


def engine_from_config(data_files=(), endpoint: str | None = None) -> QueryEngine:
    """The engine configuration asks for: a SPARQL server when *endpoint* (or ``ENFORCEKG_ENDPOINT``)
    is given, else the embedded engine over the shipped graph and *data_files*.

    Case files cannot be added to a server per query: publish them first
    (``enforcekg publish --data FILE …``), then query without ``--data``.
    """
    from .remote import RemoteEngine, env_endpoint

    url = (endpoint or env_endpoint() or "").strip()
    if not url:
        return engine_for(data_files)
    if data_files:
        raise QueryError(f"--data cannot be used with the SPARQL endpoint {url}: publish the case files to it first "
                         "(enforcekg publish --endpoint URL --data FILE …), then query without --data")
    return RemoteEngine(url)
