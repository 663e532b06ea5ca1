"""Run the assessment rules of ``ontology/rules/`` over one matter at a time.

Each rule is a SPARQL CONSTRUCT file named ``NN-name.rq`` with a ``#+ title:``,
``#+ description:`` and ``#+ source:`` header (``#+ title-zh:`` optional). The number ``NN`` is
the rule's *stratum*: the rules of one stratum run together, repeatedly, until none of them
derives anything new (a fixpoint); then the next stratum starts. A rule may test for the
*absence* (``FILTER NOT EXISTS``) only of statements derived by earlier strata, never of its own
stratum's — that is what keeps the result independent of the order of the files.

The store (pyoxigraph) holds three graphs, and rules see their union:

- the default graph: the OWL 2 RL closure of the ontology and knowledge base, computed once per
  process (:func:`enforcekg.reason.ontology_closure`, fast engine) and bulk-loaded once per engine;
- ``urn:enforcekg:graph:case``: the triples of the one matter being assessed;
- ``urn:enforcekg:graph:inferred``: the assessment node (with the as-of date as an ``xsd:date``
  literal — data, never pasted into query text) and everything the rules derive.

Between iterations a built-in *date stage* ends every counted period: a node with
``ekg:periodStart`` and ``ekg:periodDuration`` (an ``xsd:duration`` read from the graph) gets
``ekg:dueDate``; deadline findings also get the days remaining on the as-of date and flags for a
weekend or Chinese public holiday from the ``holidays`` calendar. Python does arithmetic only:
which periods run, from which dates, is stated by the rules and the graph.

Provenance: every finding a rule generates gets ``prov:wasGeneratedBy`` an activity that
``prov:used`` the rule (an ``ekg:InferenceRule`` / ``prov:Plan`` described from its header) and
``ekg:derivedByRule`` the rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import EKG, EKGID, PREFIXES
from .paths import RULES_DIR
from .queryfile import parse_header

CASE_GRAPH = ox.NamedNode("urn:enforcekg:graph:case")
INFERRED_GRAPH = ox.NamedNode("urn:enforcekg:graph:inferred")
RULE_FILE = re.compile(r"^(?P<stratum>\d+)-(?P<slug>[a-z0-9][a-z0-9-]*)\.rq$")
DURATION = re.compile(r"^(?P<neg>-)?P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T.*)?$")

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode(_RDF + "type")
XSD_DATE = ox.NamedNode(_XSD + "date")


def _ekg(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(EKG) + name)


FINDING = _ekg("Finding")


class RuleError(ValueError):
    """A rule file that cannot be used: bad name, missing header field or invalid SPARQL."""


@dataclass(frozen=True)
class Rule:
    """One rule file."""

    name: str
    stratum: int
    path: Path
    text: str
    header: dict

    @property
    def iri(self) -> ox.NamedNode:
        return ox.NamedNode(f"{EKGID}rule-{RULE_FILE.match(self.path.name).group('slug')}")

    @property
    def title(self) -> str:
        return self.header["title"]

    @property
    def sources(self) -> list[ox.NamedNode]:
        return [_expand(curie) for curie in re.split(r"[,\s]+", self.header.get("source", "")) if curie]

    def describe(self) -> list[ox.Triple]:
        """The rule as an ``ekg:InferenceRule``: label(s), description, sources, stratum, file."""
        iri = self.iri
        triples = [
            ox.Triple(iri, RDF_TYPE, _ekg("InferenceRule")),
            ox.Triple(iri, RDF_TYPE, ox.NamedNode(_PROV + "Plan")),
            ox.Triple(iri, ox.NamedNode(_RDFS + "label"), ox.Literal(self.title, language="en")),
            ox.Triple(iri, ox.NamedNode(_DCT + "description"), ox.Literal(self.header["description"], language="en")),
            ox.Triple(iri, _ekg("ruleStratum"), ox.Literal(str(self.stratum), datatype=ox.NamedNode(_XSD + "integer"))),
            ox.Triple(iri, ox.NamedNode(_DCT + "identifier"), ox.Literal(self.path.name)),
        ]
        if self.header.get("title-zh"):
            triples.append(ox.Triple(iri, ox.NamedNode(_RDFS + "label"), ox.Literal(self.header["title-zh"], language="zh")))
        triples += [ox.Triple(iri, ox.NamedNode(_DCT + "source"), source) for source in self.sources]
        return triples


def _expand(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(str(PREFIXES[prefix]) + local)
    return ox.NamedNode(curie)


def read_rule(path: Path) -> Rule:
    """Read and check one rule file."""
    path = Path(path)
    match = RULE_FILE.match(path.name)
    if not match:
        raise RuleError(f"{path}: a rule file is named NN-name.rq (NN the stratum, name in lower-case kebab-case)")
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    missing = [key for key in ("title", "description", "source") if not header.get(key)]
    if missing:
        raise RuleError(f"{path}:1: header lacks {', '.join('#+ ' + key + ':' for key in missing)}")
    try:
        result = ox.Store().query(text)
    except SyntaxError as exc:
        raise RuleError(f"{path}: invalid SPARQL: {exc}") from exc
    if not isinstance(result, ox.QueryTriples):
        raise RuleError(f"{path}: a rule must be a CONSTRUCT query")
    return Rule(path.stem, int(match.group("stratum")), path, text, header)


@lru_cache(maxsize=4)
def load_rules(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule of *directory*, in stratum then name order."""
    rules = sorted((read_rule(path) for path in Path(directory).glob("*.rq")), key=lambda r: (r.stratum, r.name))
    if not rules:
        raise RuleError(f"{directory}: no rule files (NN-name.rq)")
    return tuple(rules)


def strata(rules) -> list[tuple[int, list[Rule]]]:
    """The rules grouped by stratum, lowest first."""
    groups: dict[int, list[Rule]] = {}
    for rule in rules:
        groups.setdefault(rule.stratum, []).append(rule)
    return sorted(groups.items())


@lru_cache(maxsize=2)
def closure_ntriples(engine: str = "reasonable") -> bytes:
    """The ontology closure as N-Triples, computed once per process."""
    from .reason import ontology_closure

    return ontology_closure(engine).serialize(format="nt", encoding="utf-8")


# --- date arithmetic ---------------------------------------------------------------------------

def add_duration(start: dt.date, duration: str) -> dt.date:
    """*start* plus an ``xsd:duration`` (years and months first, the day clamped to the month's end)."""
    match = DURATION.match(duration.strip())
    if not match:
        raise ValueError(f"unsupported xsd:duration {duration!r}; expected PnYnMnWnD")
    sign = -1 if match.group("neg") else 1
    months = sign * (int(match.group("y") or 0) * 12 + int(match.group("m") or 0))
    days = sign * (int(match.group("w") or 0) * 7 + int(match.group("d") or 0))
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day) + dt.timedelta(days=days)


@lru_cache(maxsize=64)
def _china_calendar(year: int, language: str):
    import holidays

    return holidays.China(years=year, language=language)


def day_flags(day: dt.date) -> dict:
    """Whether *day* is a working day in China: weekend, holiday names (en, zh), next working day."""
    calendar_en = _china_calendar(day.year, "en_US")
    make_up_days = getattr(calendar_en, "weekend_workdays", set())

    def working(d: dt.date) -> bool:
        return (d.weekday() < 5 or d in make_up_days) and d not in _china_calendar(d.year, "en_US")

    flags = {"weekend": day.weekday() >= 5 and day not in make_up_days,
             "holiday_en": calendar_en.get(day), "holiday_zh": _china_calendar(day.year, "zh_CN").get(day)}
    flags["non_working"] = not working(day)
    if flags["non_working"]:
        following = day + dt.timedelta(days=1)
        while not working(following):
            following += dt.timedelta(days=1)
        flags["next_working_day"] = following
    return flags


def _date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=XSD_DATE)


_OPEN_PERIODS = """
SELECT ?node ?start ?duration ?deadline WHERE {
  GRAPH <urn:enforcekg:graph:inferred> { ?node a ekg:CountedPeriod ; ekg:periodStart ?start ; ekg:periodDuration ?duration }
  FILTER NOT EXISTS { GRAPH <urn:enforcekg:graph:inferred> { ?node ekg:dueDate ?due } }
  BIND(EXISTS { GRAPH <urn:enforcekg:graph:inferred> { ?node a ekg:DeadlineFinding } } AS ?deadline)
}"""


class RuleEngine:
    """A pyoxigraph store with the ontology closure loaded once, reused for every matter."""

    def __init__(self, rules=None, closure_engine: str = "reasonable"):
        self.rules = tuple(rules) if rules is not None else load_rules()
        self.strata = strata(self.rules)
        self.store = ox.Store()
        self.store.bulk_load(closure_ntriples(closure_engine), format=ox.RdfFormat.N_TRIPLES)
        self.prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        self.timings: dict[str, float] = {}

    def query(self, text: str):
        """Run a read-only query over the union of the closure, the case and the inferences."""
        return self.store.query(text, use_default_graph_as_union=True, prefixes=self.prefixes)

    def run(self, case_triples, assessment: ox.NamedNode, matter, as_of: dt.date) -> list[ox.Triple]:
        """Reason over one matter; returns the inferred triples (they stay in the store until the next run)."""
        self.store.remove_graph(CASE_GRAPH)
        self.store.remove_graph(INFERRED_GRAPH)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, CASE_GRAPH) for t in case_triples)
        self._add([
            ox.Triple(assessment, RDF_TYPE, _ekg("Assessment")),
            ox.Triple(assessment, _ekg("assessesMatter"), matter),
            ox.Triple(assessment, _ekg("assessedAsOf"), _date_literal(as_of)),
        ])
        described: set = set()
        for _, group in self.strata:
            self._fixpoint(group, assessment, as_of, described)
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, INFERRED_GRAPH)]

    # -- internals --

    def _known(self, t: ox.Triple) -> bool:
        return any(ox.Quad(t.subject, t.predicate, t.object, graph) in self.store
                   for graph in (INFERRED_GRAPH, CASE_GRAPH, ox.DefaultGraph()))

    def _add(self, triples) -> None:
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in triples)

    def _fixpoint(self, group, assessment, as_of, described) -> None:
        while True:
            added = 0
            for rule in group:
                started = time.perf_counter()
                results = list(self.store.query(rule.text, use_default_graph_as_union=True))
                new = [t for t in dict.fromkeys(results) if not self._known(t)]
                if new:
                    self._add(new)
                    self._provenance(rule, results, new, assessment, described)
                    added += len(new)
                self.timings[rule.name] = self.timings.get(rule.name, 0.0) + time.perf_counter() - started
            added += self._date_stage(as_of)
            if not added:
                return

    def _provenance(self, rule, results, new, assessment, described) -> None:
        touched = {t.subject for t in new}
        findings = {t.subject for t in results if t.predicate == RDF_TYPE and t.object == FINDING and t.subject in touched}
        if not findings:
            return
        activity = ox.NamedNode(f"{assessment.value}/activity/{rule.name}")
        triples = []
        if rule.name not in described:
            described.add(rule.name)
            triples += rule.describe()
            triples += [ox.Triple(activity, RDF_TYPE, ox.NamedNode(_PROV + "Activity")),
                        ox.Triple(activity, ox.NamedNode(_PROV + "used"), rule.iri)]
        for finding in findings:
            triples += [ox.Triple(finding, ox.NamedNode(_PROV + "wasGeneratedBy"), activity),
                        ox.Triple(finding, _ekg("derivedByRule"), rule.iri)]
        self._add(t for t in triples if not self._known(t))

    def _date_stage(self, as_of: dt.date) -> int:
        rows = list(self.store.query(_OPEN_PERIODS, prefixes=self.prefixes))
        triples = []
        for row in rows:
            node, start, duration = row["node"], row["start"], row["duration"]
            try:
                due = add_duration(dt.date.fromisoformat(start.value), duration.value)
            except ValueError:
                continue
            triples.append(ox.Triple(node, _ekg("dueDate"), _date_literal(due)))
            if row["deadline"].value != "true":
                continue
            flags = day_flags(due)
            integer = ox.NamedNode(_XSD + "integer")
            boolean = ox.NamedNode(_XSD + "boolean")
            triples += [
                ox.Triple(node, _ekg("daysRemaining"), ox.Literal(str((due - as_of).days), datatype=integer)),
                ox.Triple(node, _ekg("dueDateNonWorkingDay"), ox.Literal(str(flags["non_working"]).lower(), datatype=boolean)),
            ]
            for language in ("en", "zh"):
                if flags[f"holiday_{language}"]:
                    triples.append(ox.Triple(node, _ekg("dueDateHoliday"), ox.Literal(flags[f"holiday_{language}"], language=language)))
            if flags.get("next_working_day"):
                triples.append(ox.Triple(node, _ekg("nextWorkingDay"), _date_literal(flags["next_working_day"])))
        new = [t for t in dict.fromkeys(triples) if not self._known(t)]
        self._add(new)
        return len(new)
