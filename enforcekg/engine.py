"""What every query engine shares: the result type, the errors, the interface and the read-only check.

Two engines implement :class:`QueryEngine`: :class:`enforcekg.store.LocalEngine` (the embedded
pyoxigraph store) and :class:`enforcekg.remote.RemoteEngine` (a SPARQL 1.1 endpoint reached
through SPARQLWrapper). Both return the same :class:`QueryResult` and raise the same errors, so
the saved queries, ``assess``, ``sparql`` and the app run unchanged on either.

``engine.select(query_text, bindings) -> (variables, rows)``
    *bindings* maps variable names to rdflib terms; they are pre-bound (never pasted into the
    query text as raw user text). *rows* are tuples of rdflib terms (``None`` for an unbound
    cell), in the order of *variables*.
``engine.query(query_text, bindings) -> QueryResult``
    any read-only query form: SELECT, ASK, CONSTRUCT or DESCRIBE.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from dataclasses import dataclass, field

from .namespaces import PREFIXES, sparql_prologue

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
CASE_NAMESPACE = "https://w3id.org/enforcekg/case/"  # where case files mint their IRIs (see enforcekg.intake)
PROJECT_PREFIXES = {**{prefix: str(namespace) for prefix, namespace in PREFIXES.items()}, "case": CASE_NAMESPACE}


def free_query_prologue() -> str:
    """The PREFIX lines predeclared for free queries: the project's namespaces plus ``case:``."""
    return sparql_prologue() + f"PREFIX case: <{CASE_NAMESPACE}>\n"


# --------------------------------------------------------------------------- errors


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


# --------------------------------------------------------------------------- the interface


class QueryEngine(ABC):
    """The interface shared by the embedded store and a remote SPARQL endpoint.

    :class:`enforcekg.remote.RemoteEngine` implements :meth:`query` by sending the text with the
    bindings as a ``VALUES`` block at the start of the WHERE clause, built from the validated
    terms' N-Triples forms (never raw user text), with its own timeout and a ``LIMIT`` of
    *limit* + 1 to detect truncation; it returns the same :class:`QueryResult`.
    """

    @abstractmethod
    def query(self, query_text: str, bindings: dict | None = None, *, timeout: float | None = DEFAULT_TIMEOUT,
              limit: int | None = DEFAULT_LIMIT, project_prefixes: bool = True, read_only_check: bool = False) -> QueryResult:
        """Run *query_text* with *bindings* pre-bound; stop after *timeout* seconds; cap at *limit* rows."""

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

    def close(self) -> None:
        """Release what the engine holds (worker processes, connections)."""


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
    neither a query nor an update is left to the engine, which reports the syntax error (and can
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
