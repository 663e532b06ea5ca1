"""A SPARQL 1.1 server as the query engine: :class:`RemoteEngine`, reached through SPARQLWrapper.

For data that outgrows one machine, publish the graph to a server (``enforcekg publish``) and
point the command line, ``assess`` and the app at it. Configuration comes from arguments or the
environment:

==============================  =====================================================================
``ENFORCEKG_ENDPOINT``          the query URL (``ENFORCEKG_SPARQL_ENDPOINT`` is read too)
``ENFORCEKG_UPDATE_ENDPOINT``   the SPARQL Update URL (derived from the query URL when not given)
``ENFORCEKG_GSP_ENDPOINT``      the Graph Store protocol URL (derived likewise)
``ENFORCEKG_USER`` / ``…PASSWORD``  credentials (HTTP Basic; ``ENFORCEKG_AUTH=digest`` for Virtuoso)
``ENFORCEKG_TOKEN``             a bearer token instead (QLever's access token, a proxy's token)
``ENFORCEKG_TIMEOUT``           seconds to wait for an answer (default 30)
``ENFORCEKG_GRAPH``             the base IRI the graphs were published under; ``default`` to query
                                the server's default graph as it is
``ENFORCEKG_SERVER``            oxigraph, fuseki, graphdb, virtuoso, qlever or generic (guessed)
``ENFORCEKG_MAX_ROWS``          the most rows the server returns per query (Virtuoso's
                                ``ResultSetMaxRows``, 10000 unless set; none for the others)
==============================  =====================================================================

Queries are read-only and sent to the query URL only. Parameters are never pasted in as text:
each bound value is a validated RDF term (an rdflib term checked by pyoxigraph) serialised in
N-Triples syntax into a ``VALUES`` block placed at the *start* of the WHERE clause (Virtuoso
mishandles a trailing VALUES). The row cap is sent as ``LIMIT cap+1`` to detect truncation.
The published graphs are named with ``default-graph-uri``, so servers whose default graph is
the union of all graphs (Virtuoso, GraphDB) see exactly the published data. Failures become
:class:`EndpointError` subclasses that say what to do: server down, too slow, credentials
refused, server error.
"""

from __future__ import annotations

import ast
import base64
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .engine import (DEFAULT_LIMIT, DEFAULT_TIMEOUT, QueryEngine, QueryError, QueryResult, QuerySyntaxError,
                     QueryTimeout, UpdateRefused, check_read_only)
from .rewrite import QueryShape, prepare_query, serialise_term  # noqa: F401  (re-exported)
from .server_quirks import DURATION_TYPES, iso_duration

DEFAULT_GRAPH_BASE = "https://w3id.org/enforcekg/graph/"
GRAPH_PARTS = ("ontology", "knowledge", "cases", "inferred")
SERVERS = ("oxigraph", "fuseki", "graphdb", "virtuoso", "qlever", "generic")
ENV_ENDPOINT = ("ENFORCEKG_ENDPOINT", "ENFORCEKG_SPARQL_ENDPOINT")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class EndpointError(QueryError):
    """The SPARQL server could not answer; the message says why and what to check."""


class EndpointUnavailable(EndpointError):
    """Nothing answers at the URL (server down, wrong host or port)."""


class EndpointTimeout(EndpointError, QueryTimeout):
    """The server did not answer within the time limit."""


class EndpointAuthError(EndpointError):
    """The server refused the credentials (HTTP 401 or 403)."""


class EndpointServerError(EndpointError):
    """The server failed (HTTP 5xx)."""


def env_endpoint() -> str | None:
    for name in ENV_ENDPOINT:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def graph_iris(base: str = DEFAULT_GRAPH_BASE) -> dict:
    """The named graphs ``publish`` writes under *base*: ontology, knowledge, cases, inferred."""
    base = base if base.endswith(("/", "#")) else base + "/"
    return {part: str(ox.NamedNode(base + part).value) for part in GRAPH_PARTS}


def guess_server(url: str) -> str:
    """The kind of server a query URL probably belongs to (override with ``ENFORCEKG_SERVER``)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    if "repositories" in segments[:-1]:
        return "graphdb"
    if path in ("/query", "/update", "/store") or (not segments and parts.port == 7878):
        return "oxigraph"
    if path in ("/sparql", "/sparql-auth"):
        return "virtuoso"
    if len(segments) == 2 and segments[1] in ("sparql", "query"):
        return "fuseki"
    return "generic"


def derive_urls(query_url: str, server: str, authenticated: bool = False) -> tuple[str, str, str]:
    """(query URL, update URL, Graph Store URL) from the query URL, by the server's conventions."""
    parts = urllib.parse.urlsplit(query_url)
    root = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    if server == "oxigraph":
        return (root + "/query" if path in ("", "/store", "/update") else query_url), root + "/update", root + "/store"
    if server == "fuseki":
        dataset = path.rsplit("/", 1)[0]
        return query_url, root + dataset + "/update", root + dataset + "/data"
    if server == "graphdb":
        repo = path[: path.index("/repositories/")] + "/repositories/" + path.split("/repositories/")[1].split("/")[0]
        return root + repo, root + repo + "/statements", root + repo + "/rdf-graphs/service"
    if server == "virtuoso":
        suffix = "-auth" if authenticated else ""
        return query_url, root + "/sparql" + suffix, root + "/sparql-graph-crud" + suffix
    return query_url, query_url, query_url  # QLever and others: one URL; configure GSP explicitly


# --------------------------------------------------------------------------- the engine


class RemoteEngine(QueryEngine):
    """A SPARQL 1.1 endpoint behind the :class:`~enforcekg.engine.QueryEngine` interface.

    ``RemoteEngine(url)`` reads everything else from the environment (see the module notes);
    keyword arguments override it. *graph* is the base IRI the data was published under
    (:func:`graph_iris`), or ``"default"`` for the server's default graph.
    """

    def __init__(self, endpoint: str | None = None, *, update_endpoint: str | None = None,
                 gsp_endpoint: str | None = None, user: str | None = None, password: str | None = None,
                 token: str | None = None, auth: str | None = None, timeout: float | None = None,
                 graph: str | None = None, server: str | None = None):
        env = os.environ.get
        url = (endpoint or env_endpoint() or "").strip()
        if not url:
            raise EndpointError("no SPARQL endpoint configured: give --endpoint URL or set ENFORCEKG_ENDPOINT")
        if not re.match(r"^https?://[^\s/]+", url):
            raise EndpointError(f"not an http(s) URL: {url!r}")
        self.user = user if user is not None else env("ENFORCEKG_USER") or None
        self.password = password if password is not None else env("ENFORCEKG_PASSWORD") or ""
        self.token = token if token is not None else env("ENFORCEKG_TOKEN") or None
        self.server = (server or env("ENFORCEKG_SERVER") or guess_server(url)).lower()
        if self.server not in SERVERS:
            raise EndpointError(f"unknown server kind {self.server!r}; expected one of {', '.join(SERVERS)}")
        self.auth = (auth or env("ENFORCEKG_AUTH") or ("digest" if self.server == "virtuoso" else "basic")).lower()
        query_url, update_url, gsp_url = derive_urls(url, self.server, bool(self.user))
        self.query_url = query_url
        self.update_url = update_endpoint or env("ENFORCEKG_UPDATE_ENDPOINT") or update_url
        self.gsp_url = gsp_endpoint or env("ENFORCEKG_GSP_ENDPOINT") or gsp_url
        try:
            self.timeout = float(timeout if timeout is not None else env("ENFORCEKG_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            raise EndpointError(f"ENFORCEKG_TIMEOUT must be a number of seconds, got {env('ENFORCEKG_TIMEOUT')!r}") from None
        try:
            rows = env("ENFORCEKG_MAX_ROWS") or (10_000 if self.server == "virtuoso" else None)
            self.max_rows = int(rows) if rows else None
        except ValueError:
            raise EndpointError(f"ENFORCEKG_MAX_ROWS must be a whole number, got {env('ENFORCEKG_MAX_ROWS')!r}") from None
        base = graph if graph is not None else env("ENFORCEKG_GRAPH") or DEFAULT_GRAPH_BASE
        try:
            self.parts = {} if base.strip().lower() == "default" else graph_iris(base.strip())
        except ValueError:
            raise EndpointError(f"not a valid graph IRI: {base!r}") from None
        self.graphs = list(self.parts.values())

    def __repr__(self) -> str:
        return f"RemoteEngine({self.query_url!r}, server={self.server!r})"

    # ----------------------------------------------------------------- HTTP

    def _wrapper(self, url: str, timeout: float, update: bool = False, graph: bool = False):
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

        wrapper = SPARQLWrapper(url, updateEndpoint=url if update else None)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY if update else URLENCODED)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: content negotiation only
        wrapper.setReturnFormat(TURTLE if graph else JSON)
        wrapper.timeout = timeout  # setTimeout() truncates to whole seconds
        if self.user:
            wrapper.setCredentials(self.user, self.password)
            wrapper.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
        if self.token:
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
        return wrapper

    def _send(self, text: str, accept: str, timeout: float, dataset=True):
        """POST a query over *dataset* (True: the published graphs, False: none, or a list of graph IRIs);
        return (content type, body bytes, headers), refusing Virtuoso's partial "anytime" answers."""
        wrapper = self._wrapper(self.query_url, timeout, graph=accept == GRAPH_ACCEPT)
        wrapper.setQuery(text)
        if wrapper.isSparqlUpdateRequest():
            raise UpdateRefused("refused: this is a SPARQL Update; only read-only queries are sent to the endpoint")
        for graph in self.graphs if dataset is True else dataset or []:
            wrapper.addDefaultGraph(graph)
        wrapper.addCustomHttpHeader("Accept", accept)
        answer = self._call(lambda: _read(wrapper.query().response), self.query_url, timeout, "query")
        if "S1TAT" in (answer[2].get("X-SQL-State") or ""):
            raise EndpointTimeout(f"the SPARQL endpoint {self.query_url} stopped the query at its own time limit "
                                  "and sent a partial answer; narrow the query or raise the server's limit")
        return answer

    def _call(self, action, url: str, timeout: float, what: str):
        try:
            return action()
        except Exception as exc:  # turn every transport failure into an EndpointError
            raise endpoint_error(exc, url, timeout, what) from None

    # ----------------------------------------------------------------- queries

    def query(self, query_text, bindings=None, *, timeout=DEFAULT_TIMEOUT, limit=DEFAULT_LIMIT,
              project_prefixes=True, read_only_check=False, graphs=None) -> QueryResult:
        """As :meth:`QueryEngine.query`; *graphs* names the graphs to query (default: the published ones)."""
        if read_only_check:
            check_read_only(query_text, prologue=project_prefixes)
        if limit is not None and limit < 0:
            raise QueryError("the row limit must be zero or more")
        started = time.perf_counter()
        text, shape = prepare_query(query_text, bindings, limit=limit, project_prefixes=project_prefixes,
                                    max_rows=self.max_rows)
        wait = float(timeout or self.timeout)
        content_type, body, _ = self._send(text, GRAPH_ACCEPT if shape.kind == "graph" else RESULTS_ACCEPT, wait,
                                           True if graphs is None else graphs)
        result = parse_response(content_type, body, shape.kind, limit)
        if self.max_rows and limit is not None and limit >= self.max_rows and len(result.rows) >= self.max_rows:
            result.truncated = True  # the server's own cap: there may be more
        result.elapsed = time.perf_counter() - started
        return result

    def construct_triples(self, text: str, graphs=None, timeout: float | None = None) -> list:
        """The answer to a CONSTRUCT query (complete text, terms already bound) as pyoxigraph triples,
        over *graphs* (default: the published graphs). Blank nodes get fresh identifiers in each
        answer: a server's labels mean something within one response only."""
        content_type, body, _ = self._send(text, GRAPH_ACCEPT, float(timeout or self.timeout),
                                           True if graphs is None else graphs)
        fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
        if fmt is None:
            raise EndpointError(f"the endpoint answered a CONSTRUCT with {content_type or 'no content type'}, not RDF")
        try:
            return [quad.triple for quad in ox.parse(body, format=fmt, rename_blank_nodes=True)]
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"the endpoint's answer could not be read as {content_type}: {exc}") from None

    def count_triples(self, graph: str, timeout: float | None = None) -> int:
        """How many triples the named *graph* holds on the server."""
        iri = str(ox.NamedNode(graph))
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}"
        content_type, body, _ = self._send(text, RESULTS_ACCEPT, float(timeout or self.timeout), dataset=False)
        result = parse_response(content_type, body, "select", None)
        return int(str(result.rows[0][0])) if result.rows and result.rows[0][0] is not None else 0

    def update(self, text: str, timeout: float | None = None) -> None:
        """Run a SPARQL Update at the update URL (used by ``publish``; never by queries)."""
        wait = float(timeout or self.timeout)
        wrapper = self._wrapper(self.update_url, wait, update=True)
        wrapper.setQuery(text)
        self._call(lambda: _read(wrapper.query().response), self.update_url, wait, "update")

    # ----------------------------------------------------------------- Graph Store protocol

    def graph_store(self, method: str, graph: str, body: bytes | None = None,
                    content_type: str = "application/n-triples", timeout: float | None = None) -> int:
        """PUT (replace), POST (add to) or DELETE one named graph; returns the HTTP status."""
        iri = ox.NamedNode(graph).value
        separator = "&" if "?" in self.gsp_url else "?"
        url = f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': iri})}"
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type)
        handlers = []
        if self.user and self.auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self.gsp_url, self.user, self.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        elif self.user:
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        opener = urllib.request.build_opener(*handlers)
        wait = float(timeout or self.timeout)

        def send():
            with opener.open(request, timeout=wait) as response:
                response.read()
                return response.status

        try:
            return self._call(send, self.gsp_url, wait, f"Graph Store {method}")
        except EndpointError as exc:
            if method == "DELETE" and "HTTP 404" in str(exc):
                return 404  # the graph did not exist: nothing to delete
            raise


def _read(response):
    with response:
        headers = response.headers
        return (headers.get("Content-Type") or "").split(";")[0].strip().lower(), response.read(), headers


def parse_response(content_type: str, body: bytes, kind: str, limit: int | None) -> QueryResult:
    """A :class:`QueryResult` from the server's answer, with terms exactly as the embedded store gives them."""
    from .store import from_oxigraph

    try:
        if kind == "graph":
            fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
            if fmt is None:
                raise EndpointError(f"the endpoint answered a CONSTRUCT/DESCRIBE with {content_type or 'no content type'}, not RDF")
            rows, truncated = [], False
            for quad in ox.parse(body, format=fmt):
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                rows.append((from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)))
            return QueryResult("graph", ["subject", "predicate", "object"], rows, truncated=truncated, limit=limit)
        if content_type in ("", "application/sparql-results+json", "application/json", "text/json"):
            return _json_results(body, limit)
        fmt = ox.QueryResultsFormat.from_media_type(content_type)
        if fmt is None:
            raise EndpointError(f"the endpoint answered with {content_type}, not SPARQL results "
                                "(is the URL the SPARQL query endpoint?)")
        answer = ox.parse_query_results(body, format=fmt)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        rows, truncated = [], False
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(from_oxigraph(solution[v]) for v in variables))
        return QueryResult("select", variables, rows, truncated=truncated, limit=limit)
    except (SyntaxError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EndpointError(f"the endpoint's answer could not be read as {content_type or 'SPARQL results'}: {exc}") from None


def _json_term(cell: dict):
    """An rdflib term from a SPARQL JSON results cell, as :func:`enforcekg.store.from_oxigraph` gives it."""
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(re.sub(r"[^A-Za-z0-9_-]", "_", value.removeprefix("nodeID://")))  # Virtuoso: nodeID://b123
    if kind in ("literal", "typed-literal"):
        language, datatype = cell.get("xml:lang"), cell.get("datatype")
        if language:
            return Literal(value, lang=language)
        if datatype == _XSD_BOOLEAN and value in ("1", "0"):
            value = "true" if value == "1" else "false"  # Virtuoso writes booleans as 1 / 0
        elif datatype in DURATION_TYPES:
            value = iso_duration(value)  # Virtuoso writes durations as numbers
        if datatype and datatype not in (_XSD_STRING, _LANG_STRING):
            return Literal(value, datatype=URIRef(datatype), normalize=False)
        return Literal(value)
    raise ValueError(f"unknown term type {kind!r}")


def _json_results(body: bytes, limit: int | None) -> QueryResult:
    data = json.loads(body)
    if "boolean" in data:
        return QueryResult("ask", boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    truncated = limit is not None and len(bindings) > limit
    rows = [tuple(_json_term(b[v]) if v in b else None for v in variables)
            for b in (bindings[:limit] if truncated else bindings)]
    return QueryResult("select", variables, rows, truncated=truncated, limit=limit)


def endpoint_error(exc: Exception, url: str, timeout: float, what: str) -> QueryError:
    """The :class:`EndpointError` that explains a failed request to *url*."""
    from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                Unauthorized, URITooLong)

    if isinstance(exc, QueryError):
        return exc
    detail = _body_text(exc)
    if isinstance(exc, QueryBadFormed):
        return QuerySyntaxError(f"the SPARQL endpoint rejected the {what} (HTTP 400): {detail}")
    if isinstance(exc, Unauthorized):
        return _auth_error(401, url)
    if isinstance(exc, EndPointNotFound):
        return EndpointError(f"no SPARQL {what} service at {url} (HTTP 404); check the URL and its path")
    if isinstance(exc, URITooLong):
        return EndpointError(f"the SPARQL endpoint at {url} refused the request as too long (HTTP 414)")
    if isinstance(exc, EndPointInternalError):
        return EndpointServerError(f"the SPARQL endpoint at {url} failed (HTTP 500) on the {what}: {detail}")
    if isinstance(exc, urllib.error.HTTPError):
        code = exc.code
        if code in (401, 403):
            return _auth_error(code, url)
        if code == 404:
            return EndpointError(f"no SPARQL {what} service at {url} (HTTP 404); check the URL and its path")
        if code in (408, 504):
            return EndpointTimeout(f"the SPARQL endpoint at {url} timed out (HTTP {code}) on the {what}")
        if code >= 500:
            return EndpointServerError(f"the SPARQL endpoint at {url} failed (HTTP {code} {exc.reason}) on the {what}"
                                       f"{': ' + detail if detail else ''}; the server or a proxy in front of it is "
                                       "in trouble: try again later or ask its administrator")
        if code == 400:
            return QuerySyntaxError(f"the SPARQL endpoint rejected the {what} (HTTP 400): {detail}")
        return EndpointError(f"the SPARQL endpoint at {url} answered HTTP {code} {exc.reason} to the {what}"
                             f"{': ' + detail if detail else ''}")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return EndpointTimeout(f"stopped: the SPARQL endpoint at {url} did not answer the {what} within {timeout:g} s; "
                               "simplify the query, add a LIMIT, or allow more time (--timeout, ENFORCEKG_TIMEOUT)")
    if isinstance(reason, ConnectionRefusedError):
        return EndpointUnavailable(f"cannot reach the SPARQL endpoint at {url}: connection refused. Is the server "
                                   "running, and are the host and port right (--endpoint, ENFORCEKG_ENDPOINT)?")
    if isinstance(reason, socket.gaierror):
        return EndpointUnavailable(f"cannot reach the SPARQL endpoint at {url}: unknown host name")
    if isinstance(reason, (ConnectionError, http.client.HTTPException, OSError)):
        return EndpointUnavailable(f"the SPARQL endpoint at {url} closed the connection during the {what} "
                                   f"({type(reason).__name__}: {reason}); is the server running and healthy?")
    return EndpointError(f"the {what} to {url} failed: {type(exc).__name__}: {exc}")


def _auth_error(code: int, url: str) -> EndpointAuthError:
    meaning = "asks for credentials" if code == 401 else "refused access with these credentials"
    return EndpointAuthError(f"the SPARQL endpoint at {url} {meaning} (HTTP {code}); set ENFORCEKG_USER and "
                             "ENFORCEKG_PASSWORD (or ENFORCEKG_TOKEN) to an account allowed to use it")


def _body_text(exc) -> str:
    text = ""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            text = exc.read().decode("utf-8", "replace")
        except Exception:
            text = ""
    elif isinstance(getattr(exc, "response", None), bytes):
        text = exc.response.decode("utf-8", "replace")
    elif exc.args:
        text = exc.args[0].decode("utf-8", "replace") if isinstance(exc.args[0], bytes) else str(exc.args[0])
        text = text.split("Response:\n", 1)[-1]
        if text[:2] in ("b'", 'b"'):  # SPARQLWrapper quotes the body as a bytes literal
            try:
                text = ast.literal_eval(text).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
    text = text.split("\n\nSPARQL query:", 1)[0]  # Virtuoso echoes the whole query
    text = " ".join(text.split())
    return text[:400] + ("…" if len(text) > 400 else "")
