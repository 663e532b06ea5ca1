"""The query engine: the graph in an embedded SPARQL store, queried safely.

:class:`LocalEngine` loads the shipped graph with its OWL 2 RL closure
(:func:`enforcekg.reason.ontology_closure`) and any case files into an in-memory
`pyoxigraph <https://pyoxigraph.readthedocs.io>`_ store. Every engine offers the same interface,
so that a remote SPARQL 1.1 endpoint (through SPARQLWrapper) can later be put behind it:

``engine.select(query_text, bindings) -> (variables, rows)``
    *bindings* maps variable names to rdflib terms; they are pre-bound (SPARQL SEP-0007
    substitutions), never pasted into the query text. *rows* are tuples of rdflib terms
    (``None`` for an unbound cell), in the order of *variables*.
``engine.query(query_text, bindings) -> QueryResult``
    any read-only query form: SELECT, ASK, CONSTRUCT or DESCRIBE.

Safety:

- **read-only**: queries go through ``Store.query``, which cannot execute an update; free
  queries are also parsed first (:func:`check_read_only`) so that an update is refused with a
  clear message rather than a syntax error.
- **timeout**: neither pyoxigraph nor rdflib can interrupt a running query from another thread,
  so queries with a timeout run in a worker process (forked with the loaded store); a query
  that runs too long is stopped by killing the worker, which is restarted for the next query.
- **row cap**: at most *limit* rows (or triples) are returned; ``result.truncated`` says when the
  query had more.

Result serialisers for the command line (``table``, and the W3C SPARQL 1.1 ``csv``, ``tsv`` and
``json`` result formats) are at the end of the module.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .namespaces import PREFIXES, bind_prefixes, sparql_prologue

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
FORMATS = ("table", "csv", "tsv", "json")
CASE_NAMESPACE = "https://w3id.org/enforcekg/case/"  # where case files mint their IRIs (see enforcekg.intake)
PROJECT_PREFIXES = {**{prefix: str(namespace) for prefix, namespace in PREFIXES.items()}, "case": CASE_NAMESPACE}


def free_query_prologue() -> str:
    """The PREFIX lines predeclared for free queries: the project's namespaces plus ``case:``."""
    return sparql_prologue() + f"PREFIX case: <{CASE_NAMESPACE}>\n"


class QueryError(Exception):
    """A query could not be run; the message says why, in terms the user can act on."""


class QuerySyntaxError(QueryError):
    """The query text is not valid SPARQL."""


class UpdateRefused(QueryError):
    """The text is a SPARQL Update (or uses SERVICE); only read-only queries run here."""


class QueryTimeout(QueryError):
    """The query ran longer than its time limit and was stopped."""


# --------------------------------------------------------------------------- results


@dataclass
class QueryResult:
    """The answer to one query.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT / DESCRIBE, whose rows are
    ``(subject, predicate, object)`` triples). ``truncated`` is true when the row cap cut the
    answer short.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    limit: int | None = None
    elapsed: float = 0.0

    def __iter__(self):  # ``variables, rows = engine.select(...)``
        return iter((self.variables, self.rows))

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict]:
        """The rows as dictionaries from variable name to term (unbound cells left out)."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def column(self, name: str) -> list:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def without_columns(self, names) -> "QueryResult":
        keep = [i for i, v in enumerate(self.variables) if v not in set(names)]
        return QueryResult(self.kind, [self.variables[i] for i in keep], [tuple(r[i] for i in keep) for r in self.rows],
                           self.boolean, self.truncated, self.limit, self.elapsed)


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


# --------------------------------------------------------------------------- read-only check


def _first_update_operation(text: str) -> str | None:
    """The name of the first operation if *text* parses as a SPARQL Update, else None."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except Exception:
        return None
    for request in parsed.get("request", []) or []:
        name = getattr(request, "name", "")
        if name:
            return _UPDATE_NAMES.get(name, name)
    return None


_UPDATE_NAMES = {
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE",
    "Add": "ADD", "Move": "MOVE", "Copy": "COPY",
}


def _uses_service(parsed) -> bool:
    stack = [parsed]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif hasattr(node, "asList") and not isinstance(node, str):
            stack.extend(list(node))
    return False


def check_read_only(text: str, *, prologue: bool = True) -> None:
    """Raise :class:`UpdateRefused` if *text* is a SPARQL Update or calls a SERVICE.

    The decision is made by parsing (rdflib's SPARQL grammar), not by looking for keywords, so
    ``"DROP ALL"`` inside a string literal or a comment does not trip it. Text that parses as
    neither a query nor an update is left to the store, which reports the syntax error (and can
    only ever execute queries).
    """
    from rdflib.plugins.sparql.parser import parseQuery

    full = (free_query_prologue() if prologue else "") + text
    try:
        parsed = parseQuery(full)
    except Exception:
        operation = _first_update_operation(full)
        if operation:
            raise UpdateRefused(
                f"refused: this is a SPARQL Update ({operation}); only read-only queries "
                "(SELECT, ASK, CONSTRUCT, DESCRIBE) may run here, and the graph was not changed"
            ) from None
        return
    if _uses_service(parsed):
        raise UpdateRefused("refused: federated queries (SERVICE) are disabled; query the local graph only")


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


class QueryEngine:
    """The interface shared by the embedded store and (later) a remote SPARQL endpoint.

    A remote engine (SPARQLWrapper against a SPARQL 1.1 endpoint) implements :meth:`query` by
    sending the text with the bindings as a ``VALUES`` block built from the terms' N-Triples
    forms (``term.n3()``, never raw user text), the endpoint's own timeout, and a ``LIMIT`` of
    *limit* + 1 to detect truncation; it returns the same :class:`QueryResult`.
    """

    def query(self, query_text: str, bindings: dict | None = None, *, timeout: float | None = DEFAULT_TIMEOUT,
              limit: int | None = DEFAULT_LIMIT, project_prefixes: bool = True, read_only_check: bool = False) -> QueryResult:
        raise NotImplementedError

    def select(self, query_text: str, bindings: dict | None = None, **options) -> QueryResult:
        """Run a SELECT query; the result unpacks as ``variables, rows``."""
        result = self.query(query_text, bindings, **options)
        if result.kind != "select":
            raise QueryError(f"expected a SELECT query, got a{'n' if result.kind == 'ask' else ''} {result.kind.upper()} query")
        return result

    def ask(self, query_text: str, bindings: dict | None = None, **options) -> bool:
        result = self.query(query_text, bindings, **options)
        if result.kind != "ask":
            raise QueryError(f"expected an ASK query, got a {result.kind.upper()} query")
        return bool(result.boolean)


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
    ``LocalEngine(data_files=[...])`` — plus case files, with the closure recomputed over all;
    ``LocalEngine(graph=g)`` — exactly the triples of an rdflib graph (no reasoning).
    """

    def __init__(self, data_files=(), *, reasoning: bool = True, graph: Graph | None = None):
        from . import reason
        from .load import load_knowledge_graph

        started = time.perf_counter()
        self.data_files = [Path(p) for p in data_files]
        if graph is not None:
            source = graph
        else:
            base = load_knowledge_graph(copy=False)
            if self.data_files:
                union = bind_prefixes(Graph())
                for triple in base:
                    union.add(triple)
                for triple in read_case_files(self.data_files):
                    union.add(triple)
                source = reason.closure(union) if reasoning else union
            else:
                source = reason.ontology_closure() if reasoning else base
        self.store = _graph_to_store(source)
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


# --------------------------------------------------------------------------- serialisers


def compact(term) -> str:
    """A short human form: CURIEs for project IRIs, lexical forms for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        value = str(term)
        best = None
        for prefix, namespace in PROJECT_PREFIXES.items():
            if value.startswith(namespace) and len(value) > len(namespace):
                if best is None or len(namespace) > len(PROJECT_PREFIXES[best]):
                    best = prefix
        return f"{best}:{value[len(PROJECT_PREFIXES[best]):]}" if best else f"<{value}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def render_table(result: QueryResult, max_width: int = 80) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        graph = bind_prefixes(Graph())
        for triple in result.rows:
            graph.add(triple)
        return graph.serialize(format="turtle").rstrip()
    cells = [[_clip(compact(t), max_width) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: full IRIs, lexical forms of literals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return out.getvalue()


def _nt(term) -> str:
    if term is None:
        return ""
    if isinstance(term, (URIRef, BNode, Literal)):
        return term.n3()
    return str(term)


def render_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_nt(t).replace("\t", "\\t").replace("\n", "\\n") for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def term_json(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def result_json(result: QueryResult) -> dict:
    """SPARQL 1.1 Query Results JSON (as a Python object)."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [
            {v: term_json(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
        ]},
    }


def render_json(result: QueryResult) -> str:
    return json.dumps(result_json(result), ensure_ascii=False, indent=2)


def render(result: QueryResult, fmt: str = "table") -> str:
    """*result* in one of :data:`FORMATS`."""
    renderers = {"table": render_table, "csv": render_csv, "tsv": render_tsv, "json": render_json}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt](result)


def truncation_notice(result: QueryResult) -> str | None:
    """The notice to print (on stderr) when the row cap cut the answer short."""
    if not result.truncated:
        return None
    return (f"notice: showing the first {result.limit:,} rows only; the query has more. "
            "Raise the cap with --limit N (0 for no cap) or narrow the query.")
