"""Run the assessment rules of ``ontology/rules/`` over a batch of matters at once.

Each rule is a SPARQL CONSTRUCT file named ``NN-name.rq`` with a ``#+ title:``,
``#+ description:`` and ``#+ source:`` header (``#+ title-zh:`` optional). The number ``NN`` is
the rule's *stratum*: the rules of one stratum run together, repeatedly, until none of them
derives anything new (a fixpoint); then the next stratum starts. A rule may test for the
*absence* (``FILTER NOT EXISTS``) only of statements derived by earlier strata, never of its own
stratum's — that is what keeps the result independent of the order of the files. The strata from
:data:`SINGLE_PASS_FROM` (30: routes, mechanisms, risks, notes, sources) report on what the
earlier strata derived: a rule there reads nothing its own stratum derives, so these strata run
once — a second pass would only confirm the first (``tests/test_assess.py`` checks that it does).

The store (pyoxigraph) holds three graphs, and rules see their union:

- the default graph: the OWL 2 RL closure of the ontology and knowledge base, computed once per
  process (:func:`enforcekg.reason.ontology_closure`, fast engine) and bulk-loaded once per engine
  (and into a fresh store every :data:`FRESH_STORE_AFTER` matters);
- ``urn:enforcekg:graph:case``: the triples of the matters being assessed (one batch);
- ``urn:enforcekg:graph:inferred``: one assessment node per matter (with its as-of date as an
  ``xsd:date`` literal — data, never pasted into query text) and everything the rules derive.

A batch is safe because every rule starts from ``?assessment ekg:assessesMatter ?matter``, walks
from the matter to its own case nodes and mints the nodes it creates under the assessment's IRI
(``{assessment}/condition/…``); matters that share a case node (a debtor, an instrument) go to
different batches (:func:`plan_batches`). A rule that tests for the absence of a finding scopes
the test to its assessment, and is written so that each part is evaluated once for the whole
batch (a sub-select or ``MINUS``), not once per matter.

Between iterations a built-in *date stage* ends every counted period: a node with
``ekg:periodStart`` and ``ekg:periodDuration`` (an ``xsd:duration`` read from the graph) gets
``ekg:dueDate``; deadline findings also get the days remaining on the as-of date and flags for a
weekend or Chinese public holiday from the ``holidays`` calendar. Python does arithmetic only:
which periods run, from which dates, is stated by the rules and the graph. The days remaining
are counted from the as-of date of the assessment the deadline belongs to.

Provenance: every finding a rule generates gets ``prov:wasGeneratedBy`` its assessment's activity
``{assessment}/activity/{rule}``, which ``prov:used`` the rule (an ``ekg:InferenceRule`` /
``prov:Plan`` described from its header), and ``ekg:derivedByRule`` the rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import EKG, EKGID, PREFIXES
from .paths import RULES_DIR
from .queryfile import parse_header

CASE_GRAPH = ox.NamedNode("urn:enforcekg:graph:case")
INFERRED_GRAPH = ox.NamedNode("urn:enforcekg:graph:inferred")
SINGLE_PASS_FROM = 30
FRESH_STORE_AFTER = 200  # matters reasoned over in one store before it is replaced by a fresh one
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

    @cached_property
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


@dataclass(frozen=True)
class Job:
    """One matter to reason over: its case triples, its assessment node, the matter node and the as-of date."""

    case_triples: tuple
    assessment: ox.NamedNode
    matter: ox.NamedNode
    as_of: dt.date


def _nodes(job: Job) -> set:
    """The matter and every node its case triples mention (classes, the objects of ``rdf:type``, aside)."""
    nodes = {job.matter}
    for t in job.case_triples:
        nodes.add(t.subject)
        if not isinstance(t.object, ox.Literal) and t.predicate != RDF_TYPE:
            nodes.add(t.object)
    return nodes


def plan_batches(jobs, size: int, knowledge_nodes=frozenset()) -> list[list[int]]:
    """Indexes of *jobs* grouped into batches of at most *size* that share no case node.

    Two matters that share a debtor, an instrument or any other node of their case data (other than
    *knowledge_nodes*, the knowledge base's individuals) go to different batches: an inference about
    the shared node drawn from one matter's data must not reach the other's assessment.
    """
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    batches: list[tuple[list[int], set]] = []
    for i, job in enumerate(jobs):
        keys = (_nodes(job) - knowledge_nodes) | {job.assessment}
        target = next((b for b in batches if len(b[0]) < size and keys.isdisjoint(b[1])), None)
        if target is None:
            target = ([], set())
            batches.append(target)
        target[0].append(i)
        target[1].update(keys)
    return [indexes for indexes, _ in batches]


class _Batch:
    """The jobs reasoned over together, and which of them each inferred triple belongs to."""

    def __init__(self, jobs, knowledge_nodes):
        if len(plan_batches(jobs, len(jobs) or 1, knowledge_nodes)) > 1:
            raise ValueError("the matters of a batch share a case node or an assessment IRI; group them with plan_batches")
        self.jobs = jobs
        self.by_assessment = {job.assessment.value: i for i, job in enumerate(jobs)}
        self.by_node: dict = {}
        for i, job in enumerate(jobs):
            for node in _nodes(job):
                self.by_node.setdefault(node, []).append(i)
        self.rules_used: list[set] = [set() for _ in jobs]
        self.described: set = set()
        self._minters: dict = {}
        self._owners: dict = {}

    def minter(self, node) -> int | None:
        """The job whose assessment *node* is, or was minted under (``{assessment}/…``); the only job of a batch of one."""
        if node not in self._minters:
            value, cut, found = node.value, len(node.value), None
            while cut > 0 and found is None:
                found = self.by_assessment.get(value[:cut])
                cut = value.rfind("/", 0, cut)
            self._minters[node] = 0 if found is None and len(self.jobs) == 1 else found
        return self._minters[node]

    def owner(self, node, what: str) -> int:
        """The job that minted *node*; a rule that mints a finding or a deadline elsewhere is refused."""
        minter = self.minter(node)
        if minter is None:
            raise RuleError(f"{what} {node.value} is not minted under an assessment's IRI")
        return minter

    def owners(self, subject) -> list:
        """The jobs an inferred triple about *subject* belongs to: its minter, the matters whose case
        data mention it, the assessments whose findings a described rule generated — else every job."""
        if subject not in self._owners:
            minter = self.minter(subject)
            self._owners[subject] = ([minter] if minter is not None else self.by_node.get(subject)
                                     or [i for i, used in enumerate(self.rules_used) if subject in used]
                                     or list(range(len(self.jobs))))
        return self._owners[subject]


class RuleEngine:
    """The rules and a pyoxigraph store with the ontology closure (computed once per process)."""

    def __init__(self, rules=None, closure_engine: str = "reasonable", single_pass_from: int | None = SINGLE_PASS_FROM):
        self.rules, self.closure_engine = tuple(rules) if rules is not None else load_rules(), closure_engine
        self.single_pass_from = single_pass_from  # None: every stratum to its fixpoint
        self.strata = strata(self.rules)
        self._fresh_store()
        self.closure = frozenset(q.triple for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        self.knowledge_nodes = frozenset(t.subject for t in self.closure)
        self.prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        self.timings: dict[str, float] = {}

    def query(self, text: str, **bindings):
        """Run a read-only query over the union of the closure, the case and the inferences; *bindings* pre-bind variables."""
        return self.store.query(text, use_default_graph_as_union=True, prefixes=self.prefixes,
                                substitutions={ox.Variable(k): v for k, v in bindings.items()} or None)

    def run(self, case_triples, assessment: ox.NamedNode, matter, as_of: dt.date) -> list[ox.Triple]:
        """Reason over one matter; returns the inferred triples (they stay in the store until the next run)."""
        return self.run_batch([Job(tuple(case_triples), assessment, matter, as_of)])[0]

    def run_batch(self, jobs) -> list[list[ox.Triple]]:
        """Reason over several matters at once; returns each job's inferred triples, as :meth:`run` would.

        Rules are keyed on ``?assessment ekg:assessesMatter ?matter`` and mint every node of an
        assessment under its IRI (``{assessment}/…``), so one store holds a batch without mixing
        findings. An inferred triple belongs to the job whose assessment minted its subject, whose
        matter or case data it is about, or whose findings the rule it describes generated. The jobs
        must share no case node (:func:`plan_batches`); the triples stay in the store until the next run.
        """
        jobs = list(jobs)
        self._batch = _Batch(jobs, self.knowledge_nodes)
        self.store.remove_graph(CASE_GRAPH)
        self.store.remove_graph(INFERRED_GRAPH)
        self._served += len(jobs)
        if self._served > FRESH_STORE_AFTER:  # removing graphs leaves the store a little slower each time
            self._fresh_store()
        case = {t for job in jobs for t in job.case_triples}
        self._known, self._inferred = self.closure | case, {}
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, CASE_GRAPH) for t in case)
        self._add_new([triple for job in jobs for triple in (
            ox.Triple(job.assessment, RDF_TYPE, _ekg("Assessment")),
            ox.Triple(job.assessment, _ekg("assessesMatter"), job.matter),
            ox.Triple(job.assessment, _ekg("assessedAsOf"), _date_literal(job.as_of)))])
        for _, group in self.strata:
            self._fixpoint(group)
        per_job: list[list] = [[] for _ in jobs]
        for t in self._inferred:
            for i in self._batch.owners(t.subject):
                per_job[i].append(t)
        return per_job

    # -- internals --

    def _fresh_store(self) -> None:
        self.store, self._served = ox.Store(), 0
        self.store.bulk_load(closure_ntriples(self.closure_engine), format=ox.RdfFormat.N_TRIPLES)

    def _add_new(self, triples) -> list:
        """Add those of *triples* not yet in the store (in the order given); returns them."""
        inferred, known = self._inferred, self._known
        new = [t for t in dict.fromkeys(triples) if t not in inferred and t not in known]
        self._inferred.update(dict.fromkeys(new))
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in new)
        return new

    def _fixpoint(self, group) -> None:
        once = self.single_pass_from is not None and group[0].stratum >= self.single_pass_from
        while True:
            added = 0
            for rule in group:
                started = time.perf_counter()
                results = list(self.store.query(rule.text, use_default_graph_as_union=True))
                new = self._add_new(results)
                if new:
                    self._provenance(rule, results, new)
                    added += len(new)
                self.timings[rule.name] = self.timings.get(rule.name, 0.0) + time.perf_counter() - started
            added += self._date_stage()
            if once or not added:
                return

    def _provenance(self, rule, results, new) -> None:
        touched = {t.subject for t in new}
        findings = {t.subject for t in results if t.predicate == RDF_TYPE and t.object == FINDING and t.subject in touched}
        triples = []
        for finding in findings:
            owner = self._batch.owner(finding, f"{rule.path}: finding")
            assessment = self._batch.jobs[owner].assessment
            activity = ox.NamedNode(f"{assessment.value}/activity/{rule.name}")
            if rule.iri not in self._batch.rules_used[owner]:
                if rule.iri not in self._batch.described:
                    self._batch.described.add(rule.iri)
                    triples += rule.describe()
                self._batch.rules_used[owner].add(rule.iri)
                triples += [ox.Triple(activity, RDF_TYPE, ox.NamedNode(_PROV + "Activity")),
                            ox.Triple(activity, ox.NamedNode(_PROV + "used"), rule.iri)]
            triples += [ox.Triple(finding, ox.NamedNode(_PROV + "wasGeneratedBy"), activity),
                        ox.Triple(finding, _ekg("derivedByRule"), rule.iri)]
        self._add_new(triples)

    def _date_stage(self) -> int:
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
            as_of = self._batch.jobs[self._batch.owner(node, "deadline")].as_of
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
        return len(self._add_new(triples))
