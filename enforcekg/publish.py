"""Load the ontology, the knowledge base, case data and the OWL 2 RL inferences into a SPARQL 1.1 server.

The data goes in through the SPARQL 1.1 Graph Store HTTP protocol, one named graph per part,
under the base IRI given with --graph (default https://w3id.org/enforcekg/graph/): BASE+ontology
(the ontology modules), BASE+knowledge (the knowledge base), BASE+cases (the case files given
with --data) and BASE+inferred (what OWL 2 RL reasoning adds). Every triple is in exactly one graph. A publish replaces all four graphs as a unit (without
--data the cases graph is emptied), so the server then answers exactly as the embedded engine
does over the same files: point queries at it with --endpoint or ENFORCEKG_ENDPOINT.

Nothing is left half-loaded: each graph is first written to a staging graph
(<BASE>staging/<run>/<part>), the triple counts on the server are checked against what was sent,
and only then does one SPARQL Update move the staging graphs over the published ones. When a
count does not match or a request fails, the staging graphs are dropped and the published
graphs are left as they were. With --direct (for servers without SPARQL Update) the graphs are
written in place, checked, and removed again on a mismatch.

Credentials, timeouts and the update / Graph Store URLs come from the environment as for
queries (ENFORCEKG_USER, ENFORCEKG_PASSWORD, ENFORCEKG_UPDATE_ENDPOINT, ENFORCEKG_GSP_ENDPOINT…;
see docs/endpoints.md).

Exit codes: 0 published and verified; 1 a count did not match (nothing changed, or with --direct
the graphs were removed); 2 unreadable input, or the server could not be reached or refused.
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from .engine import QueryError
from .remote import DEFAULT_GRAPH_BASE, GRAPH_PARTS, EndpointError, RemoteEngine, env_endpoint, graph_iris

DEFAULT_BATCH = 250_000
DEFAULT_PUBLISH_TIMEOUT = 600.0


class PublishError(QueryError):
    """Publishing failed; ``changed`` says whether the published graphs were touched."""

    def __init__(self, message: str, changed: bool = False, mismatch: bool = False):
        super().__init__(message)
        self.changed, self.mismatch = changed, mismatch


@dataclass
class PublishReport:
    graphs: dict = field(default_factory=dict)   # part -> (graph IRI, triples sent, triples on the server)
    seconds: float = 0.0
    staged: bool = True

    def lines(self) -> list[str]:
        out = [f"{'graph':<52} {'sent':>10} {'on server':>10}"]
        for part, (iri, sent, found) in self.graphs.items():
            out.append(f"{'<' + iri + '>':<52} {sent:>10,} {found:>10,}")
        total_sent = sum(v[1] for v in self.graphs.values())
        total_found = sum(v[2] for v in self.graphs.values())
        out.append(f"{'total':<52} {total_sent:>10,} {total_found:>10,}")
        return out


def _canonical_graphs(dataset) -> dict:
    """Each part as an in-memory store: the server will hold what it holds (literals canonical, no duplicates)."""
    stores = {}
    for part in GRAPH_PARTS:
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in dataset.graphs.get(part, []))
        stores[part] = store
    return stores


def _batches(store: ox.Store, size: int):
    """N-Triples request bodies of about *size* triples; every blank-node triple in the first one.

    The Graph Store protocol gives each request its own blank nodes, so triples that share a
    blank node must travel together.
    """
    with_bnodes = [q.triple for q in store if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    rest = (q.triple for q in store if not (isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)))
    batch = with_bnodes
    for triple in rest:
        batch.append(triple)
        if len(batch) >= max(size, len(with_bnodes)):
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)


def _upload(engine: RemoteEngine, graph: str, store: ox.Store, batch: int, timeout: float, content_type: str) -> None:
    """PUT the first batch (replacing the graph), POST the rest; an empty part is not sent at all."""
    for number, body in enumerate(_batches(store, batch)):
        engine.graph_store("PUT" if number == 0 else "POST", graph, body, content_type, timeout)


def _content_type(engine: RemoteEngine) -> str:
    return "text/turtle" if engine.server in ("virtuoso", "qlever") else "application/n-triples"


def _drop_quietly(engine: RemoteEngine, graphs, timeout: float) -> None:
    for graph in graphs:
        try:
            engine.graph_store("DELETE", graph, timeout=timeout)
        except QueryError:
            pass


def publish(engine: RemoteEngine, dataset, base: str = DEFAULT_GRAPH_BASE, *, batch: int = DEFAULT_BATCH,
            direct: bool = False, timeout: float = DEFAULT_PUBLISH_TIMEOUT, log=None) -> PublishReport:
    """Load *dataset* (:func:`enforcekg.dataset.build`) into the server behind *engine*, verified."""
    log = log or (lambda message: None)
    started = time.perf_counter()
    final = graph_iris(base)
    stores = _canonical_graphs(dataset)
    expected = {part: len(store) for part, store in stores.items()}
    run = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    root = base if base.endswith(("/", "#")) else base + "/"
    target = final if direct else {part: f"{root}staging/{run}/{part}" for part in GRAPH_PARTS}
    content_type = _content_type(engine)
    report = PublishReport(staged=not direct)
    try:
        for part in GRAPH_PARTS:
            log(f"uploading {expected[part]:,} triples to <{target[part]}>")
            _upload(engine, target[part], stores[part], batch, timeout, content_type)
        found = {part: engine.count_triples(target[part], timeout) for part in GRAPH_PARTS}
    except QueryError as exc:
        _drop_quietly(engine, target.values(), timeout)
        if direct:
            raise PublishError(f"publishing failed and the graphs were removed: {exc}", changed=True) from None
        raise PublishError(f"publishing failed; the published graphs were not changed: {exc}") from None
    mismatched = [part for part in GRAPH_PARTS if found[part] != expected[part]]
    if mismatched:
        _drop_quietly(engine, target.values(), timeout)
        detail = "; ".join(f"<{target[p]}> holds {found[p]:,} triples, {expected[p]:,} were sent" for p in mismatched)
        where = "the graphs were removed again" if direct else "nothing was changed on the server"
        raise PublishError(f"the server does not hold what was sent ({detail}); {where}", changed=direct, mismatch=True)
    if not direct:
        operations = [f"MOVE SILENT GRAPH <{target[p]}> TO GRAPH <{final[p]}>" if expected[p]
                      else f"DROP SILENT GRAPH <{final[p]}>" for p in GRAPH_PARTS]
        try:
            log("swapping the staging graphs in")
            engine.update(" ;\n".join(operations), timeout)
            found = {part: engine.count_triples(final[part], timeout) for part in GRAPH_PARTS}
        except QueryError as exc:
            _drop_quietly(engine, target.values(), timeout)
            raise PublishError(f"the swap from the staging graphs failed: {exc}; check the graphs under <{root}>",
                               changed=True) from None
        _drop_quietly(engine, [target[p] for p in GRAPH_PARTS if not expected[p]], timeout)
        mismatched = [part for part in GRAPH_PARTS if found[part] != expected[part]]
        if mismatched:
            detail = "; ".join(f"<{final[p]}> holds {found[p]:,} triples, expected {expected[p]:,}" for p in mismatched)
            raise PublishError(f"after the swap the server does not hold what was sent ({detail}); publish again",
                               changed=True, mismatch=True)
    report.graphs = {part: (final[part], expected[part], found[part]) for part in GRAPH_PARTS}
    report.seconds = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------- command line


def add_arguments(parser):
    parser.add_argument("--endpoint", metavar="URL", default=None,
                        help="the SPARQL query URL of the server (default: $ENFORCEKG_ENDPOINT); the update and "
                             "Graph Store URLs are derived from it unless set with the options below")
    parser.add_argument("--update-endpoint", metavar="URL", help="the SPARQL Update URL ($ENFORCEKG_UPDATE_ENDPOINT)")
    parser.add_argument("--gsp-endpoint", metavar="URL", help="the Graph Store protocol URL ($ENFORCEKG_GSP_ENDPOINT)")
    parser.add_argument("--server", choices=("oxigraph", "fuseki", "graphdb", "virtuoso", "qlever", "generic"),
                        help="the kind of server (guessed from the URL)")
    parser.add_argument("--graph", metavar="IRI", default=DEFAULT_GRAPH_BASE,
                        help=f"base IRI of the named graphs (default {DEFAULT_GRAPH_BASE})")
    parser.add_argument("--data", nargs="+", default=[], metavar="FILE", help="case files to publish with the graph")
    parser.add_argument("--no-reasoning", action="store_true", help="leave out the OWL 2 RL inferences")
    parser.add_argument("--direct", action="store_true",
                        help="write the graphs in place (no staging graphs, no SPARQL Update needed)")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, metavar="TRIPLES",
                        help=f"triples per Graph Store request (default {DEFAULT_BATCH:,})")
    parser.add_argument("--timeout", type=float, default=DEFAULT_PUBLISH_TIMEOUT, metavar="SECONDS",
                        help=f"time limit per request (default {DEFAULT_PUBLISH_TIMEOUT:g})")
    parser.add_argument("--dry-run", action="store_true", help="build the graphs and print their sizes; send nothing")


def run(args) -> int:
    from . import dataset as datasets

    try:
        graphs = graph_iris(args.graph)
    except ValueError:
        print(f"enforcekg publish: not a valid graph IRI: {args.graph!r}", file=sys.stderr)
        return 2
    try:
        engine = None
        if not args.dry_run:
            if not (args.endpoint or env_endpoint()):
                print("enforcekg publish: give --endpoint URL (or set ENFORCEKG_ENDPOINT)", file=sys.stderr)
                return 2
            engine = RemoteEngine(args.endpoint, update_endpoint=args.update_endpoint, gsp_endpoint=args.gsp_endpoint,
                                  server=args.server, graph=args.graph)
        started = time.perf_counter()
        data = datasets.build(args.data, reasoning=not args.no_reasoning)
        print(f"built {len(data):,} triples in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if args.dry_run:
            for part in GRAPH_PARTS:
                print(f"<{graphs[part]}>\t{len(data.graphs[part]):,}")
            return 0
        report = publish(engine, data, args.graph, batch=args.batch, direct=args.direct, timeout=args.timeout,
                         log=lambda message: print(message, file=sys.stderr))
    except PublishError as exc:
        print(f"enforcekg publish: {exc}", file=sys.stderr)
        return 1 if exc.mismatch else 2
    except (EndpointError, QueryError) as exc:
        print(f"enforcekg publish: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:  # unreadable case files (GraphLoadError is a ValueError)
        print(f"enforcekg publish: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    print(f"published to {engine.gsp_url} and verified in {report.seconds:.1f} s"
          f"{' (staged and swapped)' if report.staged else ' (written in place)'}")
    return 0
