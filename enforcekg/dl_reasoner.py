"""An independent OWL 2 DL check: HermiT (as bundled by owlready2) on the shipped graph.

The OWL 2 RL engines in :mod:`enforcekg.reason` are fast but incomplete; HermiT is a complete
OWL 2 DL reasoner written elsewhere. This module writes the graph as N-Triples to a temporary
directory and runs the HermiT jar that owlready2 bundles, reporting whether the graph is
consistent and which classes are unsatisfiable (equivalent to ``owl:Nothing``). By default it
calls HermiT's command line for exactly those two questions (``-k -U``); ``--engine owlready2``
instead loads the file into an owlready2 ``World`` and uses ``sync_reasoner_hermit``, which
also classifies the properties and realises every individual — the same verdict, three or
four times slower. When the whole graph is inconsistent, HermiT is run again on the class and
property axioms alone to find the unsatisfiable classes behind it.

HermiT needs a Java runtime (11 or later). It is looked up in ``$ENFORCEKG_JAVA``, then
``$JAVA_HOME/bin/java``, then ``java`` on the ``PATH``; without one the check is skipped with a
message saying so. Values of datatypes outside the OWL 2 datatype map (``xsd:date``,
``xsd:duration``, ``xsd:gYear`` …) are passed to HermiT as opaque (``--ignoreUnsupportedDatatypes``)
and listed in the result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .check import add_files_argument, load_graph_or_report

JAVA_HINT = "install a Java runtime (e.g. apt-get install default-jre-headless) or set ENFORCEKG_JAVA"
DEFAULT_MEMORY_MB = 2000
DEFAULT_TIMEOUT = 600.0

# The OWL 2 datatype map (OWL 2 Structural Specification §4): everything else is unsupported.
OWL2_DATATYPES = {
    RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational,
    *(XSD[name] for name in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short "
        "byte unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token "
        "language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
    ).split()),
}
TBOX_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty, OWL.InverseFunctionalProperty, OWL.FunctionalProperty, OWL.Ontology,
    RDFS.Datatype, OWL.AllDisjointClasses, OWL.AllDisjointProperties,
}


@dataclass
class DLResult:
    """What HermiT said. ``status`` is consistent, inconsistent, skipped or error."""

    status: str
    unsatisfiable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""
    classes: int = 0
    individuals: int = 0
    triples: int = 0
    ignored_datatypes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "consistent" and not self.unsatisfiable

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


def java_executable() -> str | None:
    """The Java runtime HermiT will use, or None."""
    candidates = [os.environ.get("ENFORCEKG_JAVA")]
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    candidates.append(shutil.which("java"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def unsupported_datatypes(graph: Graph) -> list[str]:
    """Datatypes of literals in *graph* that are not in the OWL 2 datatype map."""
    found = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    found |= {o for o in graph.objects(None, RDFS.range) if isinstance(o, URIRef) and str(o).startswith(str(XSD))}
    return sorted(str(d) for d in found - OWL2_DATATYPES)


def tbox(graph: Graph) -> Graph:
    """The class and property axioms of *graph* (with the blank nodes they use), without individuals."""
    schema = Graph()
    pending = [s for s in set(graph.subjects(RDF.type, None))
               if set(graph.objects(s, RDF.type)) & TBOX_TYPES and (s, RDF.type, OWL.NamedIndividual) not in graph]
    pending += [s for s in set(graph.subjects()) if isinstance(s, URIRef)
                and any(p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
                              OWL.disjointWith, OWL.inverseOf) for p in graph.predicates(s))]
    for subject in set(pending):
        schema += graph.cbd(subject)  # the axioms with the blank nodes they use
    return schema


def _hermit_classpath() -> str:
    from owlready2 import reasoning

    return reasoning._HERMIT_CLASSPATH


def _run_hermit_cli(graph: Graph, java: str, memory_mb: int, timeout: float) -> tuple[str, list[str], float, str]:
    """HermiT's own command line on the jar owlready2 bundles: consistency (-k) and owl:Nothing's equivalents (-U)."""
    with tempfile.TemporaryDirectory(prefix="enforcekg-dl-") as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        command = [java, f"-Xmx{memory_mb}M", "-cp", _hermit_classpath(), "org.semanticweb.HermiT.cli.CommandLine",
                   "-k", "-U", "-N", "--ignoreUnsupportedDatatypes", path.as_uri()]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise HermitError(f"HermiT did not finish within {timeout:.0f} s") from exc
        seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if "InconsistentOntologyException" in output or f"{OWL.Thing} is not satisfiable" in output:
        return "inconsistent", [], seconds, "HermiT found the graph inconsistent"
    if done.returncode != 0 or f"{OWL.Thing} is satisfiable" not in output:
        raise HermitError("HermiT failed: " + (output.strip()[-2000:] or f"exit code {done.returncode}"))
    unsatisfiable, listing = [], False
    for line in done.stdout.splitlines():
        if line.startswith("Classes equivalent to"):
            listing = True
        elif listing and line.startswith("\t"):
            iri = line.strip()
            if iri != str(OWL.Nothing):
                unsatisfiable.append(iri)
        else:
            listing = False
    return "consistent", sorted(unsatisfiable), seconds, ""


def _run_hermit_owlready2(graph: Graph, java: str, memory_mb: int, timeout: float) -> tuple[str, list[str], float, str]:
    """owlready2's own route: load the graph into a World and classify it (classes, properties, individuals)."""
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

    owlready2.JAVA_EXE = java
    owlready2.reasoning.JAVA_MEMORY = memory_mb
    with tempfile.TemporaryDirectory(prefix="enforcekg-dl-") as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = World()
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            started = time.perf_counter()
            try:
                sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
            except OwlReadyInconsistentOntologyError:
                return "inconsistent", [], time.perf_counter() - started, "HermiT found the graph inconsistent"
            except OwlReadyJavaError as exc:
                raise HermitError(f"HermiT failed: {exc}") from exc
            seconds = time.perf_counter() - started
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
        finally:
            world.close()
    return "consistent", unsatisfiable, seconds, ""


ENGINES = {"cli": _run_hermit_cli, "owlready2": _run_hermit_owlready2}


class HermitError(RuntimeError):
    """HermiT could not run to the end."""


def hermit_check(graph: Graph, memory_mb: int = DEFAULT_MEMORY_MB, java: str | None = None,
                 engine: str = "cli", timeout: float = DEFAULT_TIMEOUT) -> DLResult:
    """Run HermiT over *graph* and report consistency and unsatisfiable classes.

    *engine* ``cli`` (the default) runs the HermiT jar that owlready2 bundles with ``-k -U``:
    consistency and unsatisfiable classes only. ``owlready2`` goes through owlready2's
    ``sync_reasoner_hermit``, which also classifies properties and realises every individual
    (slower; same verdict).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    result = DLResult(
        status="skipped",
        classes=len({s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}),
        individuals=len(set(graph.subjects(RDF.type, OWL.NamedIndividual))),
        triples=len(graph),
        ignored_datatypes=unsupported_datatypes(graph),
    )
    java = java or java_executable()
    if java is None:
        result.message = f"skipped: no Java runtime found for HermiT; {JAVA_HINT}"
        return result
    try:
        import owlready2  # noqa: F401  (HermiT's jar ships inside owlready2)
    except ImportError:
        result.message = "skipped: owlready2 is not installed (pip install owlready2)"
        return result
    run_hermit = ENGINES[engine]
    try:
        status, unsatisfiable, seconds, message = run_hermit(graph, java, memory_mb, timeout)
        if status == "inconsistent":
            _, unsatisfiable, more, _ = run_hermit(tbox(graph), java, memory_mb, timeout)
            seconds += more
            if unsatisfiable:
                message += "; the class axioms alone leave these classes unsatisfiable"
            else:
                message += "; the class axioms alone are coherent, so individuals' assertions clash"
    except HermitError as exc:
        result.status, result.message = "error", str(exc)
        return result
    result.status, result.unsatisfiable, result.seconds, result.message = status, unsatisfiable, seconds, message
    return result


def _short(iri: str) -> str:
    from .namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return f"<{iri}>"


def render_human(result: DLResult) -> str:
    if result.skipped or result.status == "error":
        return result.message
    verdict = "consistent" if result.status == "consistent" else "INCONSISTENT"
    lines = [
        f"HermiT: {verdict}; {len(result.unsatisfiable)} unsatisfiable class(es) "
        f"({result.classes} classes, {result.individuals} individuals, {result.triples} triples; "
        f"{result.seconds:.1f} s)"
    ]
    if result.message:
        lines.append(result.message)
    lines += [f"  unsatisfiable: {_short(iri)}" for iri in result.unsatisfiable]
    if result.ignored_datatypes:
        lines.append("values of datatypes outside OWL 2 DL were treated as opaque: "
                     + ", ".join(_short(d) for d in result.ignored_datatypes))
    return "\n".join(lines)


def add_arguments(parser):
    add_files_argument(parser)
    parser.add_argument("--tbox-only", action="store_true", help="check the class and property axioms only")
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, help="Java heap for HermiT, in MB")
    parser.add_argument("--engine", choices=tuple(ENGINES), default="cli",
                        help="cli: HermiT's command line, consistency and unsatisfiable classes (default); "
                             "owlready2: owlready2's sync_reasoner_hermit, which also realises individuals")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="give up after this many seconds")
    parser.add_argument("--require-java", action="store_true", help="exit 2 instead of skipping when Java is missing")
    parser.add_argument("--format", choices=("human", "json"), default="human")


def run(args) -> int:
    graph = load_graph_or_report(args.files, "reason-dl")
    if graph is None:
        return 2
    if args.tbox_only:
        graph = tbox(graph)
    result = hermit_check(graph, memory_mb=args.memory, engine=args.engine, timeout=args.timeout)
    if args.format == "json":
        print(json.dumps({**asdict(result), "ok": result.ok}, indent=2))
    else:
        print(render_human(result), file=sys.stderr if result.skipped else sys.stdout)
    if result.skipped:
        return 2 if args.require_java else 0
    if result.status == "error":
        return 2
    return 0 if result.ok else 1
