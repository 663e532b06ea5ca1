"""Assess matters: route and basis, competent court, deadlines, risks, measures, restrictions and
remedies — each finding with its why (facts, conditions, rule, sources) and what is missing.

Library: :func:`assess` takes case data (a :class:`enforcekg.intake.CaseData`, an rdflib graph, a
path or a list of paths) and returns one :class:`MatterAssessment` per matter. The reasoning is
the rule files of ``ontology/rules`` run by :mod:`enforcekg.rules` over batches of matters (and,
with ``workers``, in several processes); this module only selects each matter's triples, fixes the
as-of date, reads the findings back and renders them.

The as-of date is, in order: the ``as_of`` argument (``--as-of``), the matter's ``ekg:asOfDate``,
today. Formats: ``text`` (a note grouped by section), ``json``, ``turtle`` (the findings with
their PROV-O justification). Exit codes: 0 assessed, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import os
import re
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .namespaces import EKG, bind_prefixes
from .rules import Job, RuleEngine, plan_batches

ASSESSMENT_BASE = "https://w3id.org/enforcekg/assessment/"
GENID = "https://w3id.org/enforcekg/case/.well-known/genid/"
FORMATS = ("text", "json", "turtle")
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SCALARS = {"status": "findingStatus", "mechanism": "concernsMechanism", "timeLimit": "concernsTimeLimit",
            "routeKind": "routeKind", "condition": "concernsCondition", "procedure": "followsProcedure",
            "dueDate": "dueDate", "periodStart": "periodStart", "periodDuration": "periodDuration",
            "daysRemaining": "daysRemaining", "nonWorkingDay": "dueDateNonWorkingDay", "nextWorkingDay": "nextWorkingDay",
            "notYetInForce": "notYetInForce", "inForceFrom": "inForceFrom", "partialRecognition": "partialRecognition",
            "recognisableAmount": "recognisableAmount", "conduct": "concernsConduct", "awaitsEvent": "awaitsEvent"}
_LISTS = {"conditions": "usedCondition", "missingConditions": "missingCondition", "missingFacts": "missingFact",
          "blocking": "blockingCondition", "notes": "hasNote", "next": "whatFollows", "relevantSources": "relevantSource",
          "sources": "citesSource", "assets": "usesAsset", "rules": "derivedByRule", "holiday": "dueDateHoliday"}
UI = {
    "en": {"title": "Assessment of matter", "asOf": "as of", "instrument": "Instrument", "debtor": "Debtor",
           "why": "Why", "rule": "Rule", "sources": "Sources", "missing": "Missing", "next": "Next", "note": "Note",
           "blocked": "Ruled out by", "assets": "Assets", "from": "counted from", "left": "days left", "passed": "days ago",
           "awaits": "runs from", "consequence": "Consequence", "inForce": "in force from", "recognisable": "recognisable amount",
           "established": "Established", "ruledOut": "Ruled out", "residual": "Other grounds no recorded fact decides",
           "possible": "Not indicated by the facts given (would need)", "nonWorking": "not a working day", "nextWorking": "next working day", "isA": "is a", "relies": "Relies on",
           "cannotRuleOut": "Cannot be ruled out (facts missing)", "notMet": "not met — "},
    "zh": {"title": "案件评估", "asOf": "基准日", "instrument": "法律文书", "debtor": "被执行人", "why": "依据",
           "rule": "规则", "sources": "出处", "missing": "待补充", "next": "后续", "note": "提示", "blocked": "排除理由",
           "assets": "财产", "from": "起算日", "left": "天后届满", "passed": "天前已届满", "awaits": "起算事件",
           "consequence": "后果", "inForce": "施行日期", "recognisable": "可承认金额", "established": "已认定",
           "ruledOut": "已排除", "residual": "现有事实无法判断的其他事由", "possible": "现有事实未显示（需查明）",
           "nonWorking": "非工作日", "nextWorking": "下一工作日", "isA": "属于", "relies": "具体依据",
           "cannotRuleOut": "无法排除（事实待查）", "notMet": "不满足——"},
}


@dataclass
class MatterAssessment:
    """The assessment of one matter."""

    matter: str
    matter_id: str
    as_of: dt.date
    assessment: str
    findings: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    packed: bytes = field(default=b"", repr=False)
    form_conditions: frozenset = frozenset()

    @cached_property
    def triples(self) -> list:
        """The matter's case triples and every triple inferred about it (kept compressed until first used)."""
        return [q.triple for q in ox.parse(zlib.decompress(self.packed), format=ox.RdfFormat.N_TRIPLES)] if self.packed else []

    def by_mechanism(self) -> dict:
        """mechanism or time-limit IRI -> findings about it."""
        index: dict = {}
        for finding in self.findings:
            for key in ("mechanism", "timeLimit", "routeKind", "condition"):
                if finding.get(key):
                    index.setdefault(finding[key]["iri"], []).append(finding)
        return index

    def to_dict(self) -> dict:
        return {"matter": self.matter, "matterId": self.matter_id, "asOf": self.as_of.isoformat(),
                "assessment": self.assessment, "facts": self.facts, "findings": self.findings}


# --- input ---------------------------------------------------------------------------------------

def _case_triples(case_data) -> list:
    from .intake import CaseData, read_files, to_oxigraph

    if isinstance(case_data, CaseData):
        triples = case_data.triples
    elif isinstance(case_data, (str, Path)):
        triples = read_files([case_data]).triples
    elif hasattr(case_data, "serialize") and hasattr(case_data, "triples"):
        triples = to_oxigraph(case_data)
    else:
        items = list(case_data)
        triples = read_files(items).triples if items and isinstance(items[0], (str, Path)) else items
    return [ox.Triple(*(ox.NamedNode(GENID + x.value) if isinstance(x, ox.BlankNode) else x  # blank nodes skolemised
                        for x in (t.subject, t.predicate, t.object))) for t in triples]


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- the library call ----------------------------------------------------------------------------

BATCH_SIZE = 50


@lru_cache(maxsize=1)
def engine() -> RuleEngine:
    """The shared rule engine (the ontology closure is loaded once per process)."""
    return RuleEngine()


def _jobs(triples, as_of, today: dt.date) -> list[tuple[Job, str]]:
    """One job per matter (its own triples: everything reachable from it; its assessment IRI and date) and its id."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    matters = [t.subject for t in triples if t.predicate.value == _TYPE and t.object.value == str(EKG.Matter)]
    jobs = []
    for matter in dict.fromkeys(matters):
        selected, todo, seen = [], [matter], set()
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                selected += by_subject.get(node, [])
                todo += [t.object for t in by_subject.get(node, []) if not isinstance(t.object, ox.Literal) and t.predicate.value != _TYPE]
        own = by_subject.get(matter, [])
        ident = next((t.object.value for t in own if t.predicate.value == str(EKG.matterId)), re.split(r"[/#]", matter.value)[-1])
        stated = next((t.object.value for t in own if t.predicate.value == str(EKG.asOfDate)), None)
        day = _as_date(as_of) if as_of else (_as_date(stated) if stated else today)
        iri = ox.NamedNode(f"{ASSESSMENT_BASE}{quote(ident, safe='')}/{day.isoformat()}")
        jobs.append((Job(tuple(selected), iri, matter, day), ident))
    return jobs


def assess(case_data, as_of=None, rule_engine: RuleEngine | None = None, batch_size: int = BATCH_SIZE,
           workers: int = 1) -> list[MatterAssessment]:
    """Assess every matter of *case_data* as of *as_of* (a date or ``YYYY-MM-DD``).

    The matters are reasoned over *batch_size* at a time (matters that share a case node never in
    the same batch), the batches spread over *workers* processes; the results are the same as one
    matter at a time, in the order of the matters.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    rule_engine, today = rule_engine or engine(), dt.date.today()
    jobs = _jobs(_case_triples(case_data), as_of, today)
    batches = plan_batches([job for job, _ in jobs], batch_size, rule_engine.knowledge_nodes)
    if workers > 1 and len(batches) > 1:
        tasks = [(ox.serialize(dict.fromkeys(t for i in batch for t in jobs[i][0].case_triples), format=ox.RdfFormat.N_TRIPLES),
                  as_of, today) for batch in batches]
        with ProcessPoolExecutor(min(workers, len(batches)), multiprocessing.get_context("spawn"), _start_worker,
                                 (rule_engine.rules, rule_engine.closure_engine, rule_engine.single_pass_from)) as pool:
            assessed = {r.matter: r for done in pool.map(_work, tasks) for r in done}
    else:
        terms = _Terms(rule_engine)
        assessed = {r.matter: r for batch in batches for r in _assess_batch(terms, [jobs[i] for i in batch])}
    return [assessed[job.matter.value] for job, _ in jobs]


def _assess_batch(terms: _Terms, jobs) -> list[MatterAssessment]:
    triples = [job.case_triples + tuple(own) for (job, _), own in zip(jobs, terms.engine.run_batch([job for job, _ in jobs]))]
    results = [MatterAssessment(job.matter.value, ident, job.as_of, job.assessment.value,
                                packed=zlib.compress(ox.serialize(own, format=ox.RdfFormat.N_TRIPLES), 1))
               for (job, ident), own in zip(jobs, triples)]
    _read_back(terms, results, triples)
    return results


_WORKER: dict = {}


def _start_worker(*engine_arguments) -> None:
    _WORKER["terms"] = _Terms(RuleEngine(*engine_arguments))


def _work(task) -> list[MatterAssessment]:
    """Assess one batch in a worker process: its case triples (N-Triples), the as-of date given, and today."""
    ntriples, as_of, today = task
    return _assess_batch(_WORKER["terms"], _jobs([q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)], as_of, today))


# --- reading the findings back -------------------------------------------------------------------

class _Terms:
    """How terms are shown, looked up once per call of :func:`assess` (a term's own triples are the
    same in every batch it appears in): labels in English and Chinese (rdfs:label, else schema:name,
    case number, identifier, local name), the guide-section id, and for a status, mechanism, time
    limit or note its notation, consequence and definition."""

    PRIORITY = ("label", "name", "caseNumber", "identifier", "notation")
    LABELS = ("SELECT ?term ?p ?l WHERE { VALUES ?p { rdfs:label schema:name ekg:caseNumber dcterms:identifier skos:notation } "
              "?term ?p ?l FILTER(isLiteral(?l)) } ORDER BY ?l")
    EXTRAS = "SELECT ?term ?p ?v WHERE { ?term ?p ?v . VALUES ?p { skos:notation ekg:consequence skos:definition } } ORDER BY ?p ?v"

    def __init__(self, rule_engine):
        self.engine, self.refs, self.orders = rule_engine, {}, {}
        self.form_conditions = frozenset(r["c"].value for r in rule_engine.query(
            "SELECT ?c WHERE { ?form rdfs:subClassOf ekg:Party ; ekg:indicatesCondition ?c }"))

    def section_order(self, kind) -> int | None:
        """The section a kind of finding is reported in (``ekg:sectionOrder``), None for other classes."""
        if kind not in self.orders:
            rows = self.engine.query("SELECT ?term ?o WHERE { ?term ekg:sectionOrder ?o }", term=kind)
            self.orders[kind] = min((int(row["o"].value) for row in rows), default=None)
        return self.orders[kind]

    def ref(self, term, described: bool = False):
        """A literal's value, or ``{"iri", "en", "zh"[, "id"]}`` (plus notation, consequence_*, definition_*
        when *described*) — one dict per term, shared by every finding that names it: read-only."""
        if isinstance(term, ox.Literal):
            return term.value
        if (term, described) not in self.refs:
            names: dict = {}
            for row in self.engine.query(self.LABELS, term=term):
                names.setdefault((row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], row["l"].language), row["l"].value)
            ref = {"iri": term.value}
            for lang in ("en", "zh"):
                found = [names[k] for k in [("label", lang), ("label", "en")] + [(k, None) for k in self.PRIORITY[1:]] if k in names]
                ref[lang] = found[0] if found else re.split(r"[/#]", term.value)[-1]
            if names.get(("identifier", None), "").startswith(("§", "T&D")):
                ref["id"] = names[("identifier", None)]
            for row in self.engine.query(self.EXTRAS, term=term) if described else ():
                name = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                ref[name if name == "notation" else f"{name}_{row['v'].language or 'en'}"] = row["v"].value
            self.refs[(term, described)] = ref
        return self.refs[(term, described)]


_KEYS = {**_SCALARS, **_LISTS}
_PROPERTIES = {f"{EKG}{prop}": key for key, prop in _KEYS.items()}
_DESCRIBED = ("status", "mechanism", "timeLimit", "notes")
_HAS_FINDING, _USED_FACT, _DEBTOR, _DERIVED = f"{EKG}hasFinding", f"{EKG}usedFact", f"{EKG}debtor", "http://www.w3.org/ns/prov#wasDerivedFrom"
_STATEMENT = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#" + part: part for part in ("subject", "predicate", "object")}


def _order(term) -> tuple:
    """Sort key: IRIs by their string (as SPARQL orders them), then literals by value and language."""
    return (isinstance(term, ox.Literal), term.value, getattr(term, "language", None) or "")


def _read_back(terms: _Terms, results: list[MatterAssessment], triples: list) -> None:
    """Read each assessment's findings from its own triples (*triples*, one list per result)."""
    for result, own in zip(results, triples):
        about: dict = {}
        for t in own:
            about.setdefault(t.subject.value, []).append(t)
        findings = {t.object.value: {"id": t.object.value} for t in about.get(result.assessment, []) if t.predicate.value == _HAS_FINDING}
        derived, facts_of = {}, {}
        for iri, finding in findings.items():
            values, kinds = {}, []
            for t in about.get(iri, []):
                key, predicate = _PROPERTIES.get(t.predicate.value), t.predicate.value
                if key:
                    values.setdefault(key, []).append(t.object)
                elif predicate == _TYPE and terms.section_order(t.object) is not None:
                    kinds.append((terms.section_order(t.object), t.object.value, t.object))
                elif predicate == _DERIVED:
                    derived.setdefault(iri, []).append(t.object.value)
                elif predicate == _USED_FACT:
                    parts: dict = {}
                    for u in about.get(t.object.value, []):
                        parts.setdefault(_STATEMENT.get(u.predicate.value), []).append(u.object)
                    facts_of.setdefault(iri, []).extend(itertools.product(*(parts.get(k, []) for k in ("subject", "predicate", "object"))))
            for key in (key for key in _KEYS if key in values):  # lists in the order SPARQL sorts, a single value the last
                found = [terms.ref(value, key in _DESCRIBED) for value in (sorted(values[key], key=_order) if len(values[key]) > 1 else values[key])]
                finding[key] = found if key in _LISTS else found[-1]
            if kinds:
                finding.update(kind=terms.ref(min(kinds)[2]), order=min(kinds)[0])
        own_facts = {iri: [{"subject": terms.ref(s), "property": terms.ref(p), "value": terms.ref(o)}
                           for s, p, o in sorted(facts, key=lambda spo: tuple(map(_order, spo)))] for iri, facts in facts_of.items()}
        for iri, finding in findings.items():
            finding["direct"] = iri in own_facts
            facts, todo, seen = list(own_facts.get(iri, [])), sorted(derived.get(iri, [])), set()
            while todo:
                node = todo.pop(0)
                if node not in seen:
                    seen.add(node)
                    facts += own_facts.get(node, [])
                    todo += [] if node in own_facts else sorted(derived.get(node, []))
            if facts:
                finding["facts"] = [f for i, f in enumerate(facts) if f not in facts[:i]]
        result.findings = sorted(findings.values(), key=lambda f: (f.get("order", 99), f["id"]))
        debtors = sorted((t.object for t in about.get(result.matter, []) if t.predicate.value == _DEBTOR), key=_order)
        result.facts, result.form_conditions = {"instrument": [], "debtors": [terms.ref(d) for d in debtors]}, terms.form_conditions
    mine = {ox.NamedNode(r.assessment): r for r in results}
    for row in terms.engine.query("SELECT ?a ?v WHERE { ?a ekg:assessesMatter ?m . ?m ekg:concernsInstrument ?i . ?i a ?v . "
                                  "?v rdfs:subClassOf ekg:LegalInstrument . "
                                  "FILTER NOT EXISTS { ?i a ?n . ?n rdfs:subClassOf ?v . FILTER(?n != ?v && isIRI(?n)) } } ORDER BY ?v"):
        if row["a"] in mine:
            mine[row["a"]].facts["instrument"].append(terms.ref(row["v"]))


# --- renderers -----------------------------------------------------------------------------------

def localized(ref, lang):
    if isinstance(ref, dict):
        return ref.get(lang) or ref.get("en") or ref["iri"]
    return str(ref)


def _sources(finding, lang) -> str:
    names = [s.get("id") or localized(s, lang) if isinstance(s, dict) else str(s) for s in finding.get("sources", [])]
    return ", ".join(sorted(dict.fromkeys(names), key=lambda n: (not n.startswith(("§", "T&D")), n)))


def why_lines(finding, lang, ui) -> list[str]:
    lines = []
    facts = [f"{localized(f['subject'], lang)} — {localized(f['property'], lang) + ':' if f['property']['iri'] != _TYPE else ui['isA']} {localized(f['value'], lang)}"
             for f in finding.get("facts", [])]
    if facts:
        lines.append(f"{ui['why']}: " + "; ".join(facts))
    if finding.get("conditions"):
        lines.append(f"{ui['established']}: " + "; ".join(localized(c, lang) for c in finding["conditions"]))
    if finding.get("relevantSources"):
        lines.append(f"{ui['relies']}: " + "; ".join(localized(s, lang) for s in finding["relevantSources"]))
    if finding.get("rules"):
        lines.append(f"{ui['rule']}: " + "; ".join(localized(r, lang) for r in finding["rules"]) + f" [{_sources(finding, lang)}]")
    if finding.get("blocking"):
        lines.append(f"{ui['blocked']}: " + "; ".join(localized(c, lang) for c in finding["blocking"]))
    if finding.get("missingFacts"):
        conditions = "; ".join(localized(c, lang) for c in finding.get("missingConditions", []))
        lines.append(f"{ui['missing']}: " + (f"{conditions} — " if conditions else "")
                     + ", ".join(localized(p, lang) for p in finding["missingFacts"]))
    for item in finding.get("notes", []):
        lines.append(f"{ui['note']}: {item.get(f'definition_{lang}') or item.get('definition_en') or localized(item, lang)}")
    for item in finding.get("next", []):
        lines.append(f"{ui['next']}: {localized(item, lang)}")
    return lines


def _name(finding, lang) -> str:
    subject = finding.get("mechanism") or finding.get("timeLimit") or finding.get("routeKind") or finding.get("condition")
    return localized(subject, lang) if subject else localized((finding.get("notes") or [{"en": "—"}])[0], lang)


def headline(finding, lang, ui) -> str:
    name = _name(finding, lang)
    status = localized(finding.get("status", {}), lang).split("：")[-1].split(": ", 1)[-1]
    if finding.get("timeLimit") and finding.get("dueDate"):
        due = dt.date.fromisoformat(finding["dueDate"])
        days = int(finding.get("daysRemaining", 0))
        when = f"{days} {ui['left']}" if days >= 0 else f"{-days} {ui['passed']}"
        flag = ""
        if finding.get("nonWorkingDay") == "true":
            holiday = "/".join(localized(h, lang) for h in finding.get("holiday", []))
            flag = f" — {ui['nonWorking']}{' (' + holiday + ')' if holiday else ''}; {ui['nextWorking']} {finding.get('nextWorkingDay')}"
        return f"{due.isoformat()} ({due.strftime('%a')}) — {name} — {when}{flag}"
    extra = f" ({ui['inForce']} {finding['inForceFrom']})" if finding.get("inForceFrom") else ""
    if finding.get("recognisableAmount"):
        extra += f" — {ui['recognisable']}: {finding['recognisableAmount']}"
    return f"{name} [{status}]{extra}"


_RANK = {"applies": 0, "not-yet-in-force": 1, "superseded": 2, "excluded": 2, "possible": 3, "residual": 4}


def _section_lines(items, lang, ui, form_conditions=frozenset(), failed=frozenset()) -> list[str]:
    out, unindicated, residual = [], [], []
    for finding in sorted(items, key=lambda f: _RANK.get(f["status"].get("notation"), 5)):
        partial = [c for c in finding.get("conditions", []) if c["iri"] not in form_conditions]
        notation = finding["status"].get("notation")
        if notation == "residual":
            residual.append(_name(finding, lang))
        elif notation in ("superseded", "excluded") and not finding.get("condition") and finding.get("mechanism"):
            blockers = "; ".join((ui["notMet"] if c["iri"] in failed else "") + localized(c, lang) for c in finding.get("blocking", []))
            out.append(f"  • {headline(finding, lang, ui)}" + (f" — {ui['blocked']}: {blockers}" if blockers else ""))
        elif notation == "possible" and finding.get("timeLimit"):
            out.append(f"  • {_name(finding, lang)} — {ui['awaits']}: {localized(finding.get('awaitsEvent', '—'), lang)} [{_sources(finding, lang)}]")
        elif notation == "possible" and finding.get("mechanism") and not partial and finding.get("order", 0) >= 5:
            unindicated.append(f"{_name(finding, lang)} ({'; '.join(localized(c, lang) for c in finding.get('missingConditions', [])) or '—'})")
        elif not (finding.get("facts") or finding.get("missingFacts") or finding.get("notes") or finding.get("blocking")):
            rule = "; ".join(localized(r, lang) for r in finding.get("rules", []))
            out.append(f"  • {headline(finding, lang, ui)} — {ui['rule']}: {rule} [{_sources(finding, lang)}]")
        else:
            out.append(f"  • {headline(finding, lang, ui)}")
            if finding.get("assets"):
                out.append(f"      {ui['assets']}: " + "; ".join(localized(x, lang) for x in finding["assets"]))
            if finding.get("timeLimit") and finding.get("periodStart"):
                out.append(f"      {ui['from']} {finding['periodStart']} + {finding['periodDuration']}")
            out.extend(f"      {line}" for line in why_lines(finding, lang, ui))
            consequence = finding["timeLimit"].get(f"consequence_{lang}") if finding.get("timeLimit") else None
            if consequence:
                out.append(f"      {ui['consequence']}: {consequence}")
    if unindicated:
        out.append(f"  {ui['cannotRuleOut'] if any(f.get('order') == 5 for f in items) else ui['possible']}:")
        out.extend(f"    ? {line}" for line in unindicated)
    if residual:
        out.append(f"  {ui['residual']}: " + "; ".join(residual))
    return out


def render_text(results, lang: str = "en") -> str:
    ui = UI.get(lang, UI["en"])
    out = []
    for result in results:
        out.append(f"{ui['title']} {result.matter_id} — {ui['asOf']} {result.as_of.isoformat()}")
        out.append(f"{ui['instrument']}: {', '.join(localized(i, lang) for i in result.facts['instrument'])}; "
                   f"{ui['debtor']}: {', '.join(localized(d, lang) for d in result.facts['debtors'])}")
        for notation, word in (("applies", "established"), ("excluded", "ruledOut")):
            names = [localized(f["condition"], lang) for f in result.findings if f.get("condition") and f["status"].get("notation") == notation
                     and (notation == "applies" or f.get("direct"))]
            if names:
                out.append(f"{ui[word]}: " + "; ".join(names))
        sections: dict = {}
        for finding in result.findings:
            if finding.get("condition"):
                continue
            sections.setdefault((finding.get("order", 99), localized(finding.get("kind", {"en": "—"}), lang)), []).append(finding)
        for number, ((_, title), items) in enumerate(sorted(sections.items()), start=1):
            out.append("")
            out.append(f"{number}. {title.split('：')[-1].split(': ', 1)[-1].capitalize()}")
            failed = {f["condition"]["iri"] for f in result.findings if f.get("condition") and f["status"].get("notation") == "excluded"}
            out.extend(_section_lines(items, lang, ui, result.form_conditions, failed))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_json(results) -> str:
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2)


def render_turtle(results) -> str:
    from rdflib import Graph

    from .intake import to_rdflib

    graph = bind_prefixes(Graph())
    graph.bind("case", "https://w3id.org/enforcekg/case/")
    graph.bind("assessment", ASSESSMENT_BASE)
    for result in results:
        to_rdflib(result.triples, graph)
    return graph.serialize(format="turtle")


def render(results, fmt: str = "text", lang: str = "en") -> str:
    if fmt == "json":
        return render_json(results)
    if fmt == "turtle":
        return render_turtle(results)
    return render_text(results, lang)


# --- command line --------------------------------------------------------------------------------

def add_arguments(parser) -> None:
    from .casesource import add_case_source_arguments
    add_case_source_arguments(parser, "casefile")
    parser.add_argument("--as-of", dest="as_of", metavar="DATE", help="assess as of this date (YYYY-MM-DD); default: the matter's ekg:asOfDate, else today")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of labels in the text output")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                        help=f"processes that share the batches of {BATCH_SIZE} matters (default: one per core)")


def run(args) -> int:
    from .casesource import read_case_source
    from .intake import IntakeError
    from .load import GraphLoadError
    from .remote import EndpointError

    try:
        as_of = _as_date(args.as_of) if args.as_of else None
    except ValueError:
        print(f"--as-of {args.as_of!r}: expected a date written YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        data = read_case_source(args)
    except (IntakeError, GraphLoadError, EndpointError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.workers < 1:
        print(f"--workers {args.workers}: expected at least 1", file=sys.stderr)
        return 2
    results = assess(data, as_of, workers=args.workers)
    if not results:
        print(f"{', '.join(map(str, args.casefile)) or args.endpoint}: no ekg:Matter found; expected at least one matter", file=sys.stderr)
        return 2
    sys.stdout.write(render(results, args.format, args.lang))
    return 0
