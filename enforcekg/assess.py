"""Assess matters: route and basis, competent court, deadlines, risks, measures, restrictions and
remedies — each finding with its why (facts, conditions, rule, sources) and what is missing.

Library: :func:`assess` takes case data (a :class:`enforcekg.intake.CaseData`, an rdflib graph, a
path or a list of paths) and returns one :class:`MatterAssessment` per matter. The reasoning is
the rule files of ``ontology/rules`` run by :mod:`enforcekg.rules`; this module only selects each
matter's triples, fixes the as-of date, reads the findings back and renders them.

The as-of date is, in order: the ``as_of`` argument (``--as-of``), the matter's ``ekg:asOfDate``,
today. Formats: ``text`` (a note grouped by section), ``json``, ``turtle`` (the findings with
their PROV-O justification). Exit codes: 0 assessed, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .namespaces import EKG, PREFIXES, bind_prefixes
from .rules import RuleEngine

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
    triples: list = field(default_factory=list)
    form_conditions: frozenset = frozenset()

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
    return [ox.Triple(_skolem(t.subject), t.predicate, _skolem(t.object)) for t in triples]


def _skolem(term):
    return ox.NamedNode(GENID + term.value) if isinstance(term, ox.BlankNode) else term


def _matter_triples(triples, matter) -> list:
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    selected, todo, seen = [], [matter], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in by_subject.get(node, []):
            selected.append(t)
            if not isinstance(t.object, ox.Literal) and t.predicate.value != _TYPE:
                todo.append(t.object)
    return selected


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- the library call ----------------------------------------------------------------------------

_ENGINE: RuleEngine | None = None


def engine() -> RuleEngine:
    """The shared rule engine (the ontology closure is loaded once per process)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = RuleEngine()
    return _ENGINE


def assess(case_data, as_of=None, rule_engine: RuleEngine | None = None) -> list[MatterAssessment]:
    """Assess every matter of *case_data* as of *as_of* (a date or ``YYYY-MM-DD``)."""
    triples = _case_triples(case_data)
    rule_engine = rule_engine or engine()
    matters = [t.subject for t in triples if t.predicate.value == _TYPE and t.object.value == str(EKG.Matter)]
    results = []
    for matter in dict.fromkeys(matters):
        own = _matter_triples(triples, matter)
        ident = next((t.object.value for t in own if t.subject == matter and t.predicate.value == str(EKG.matterId)),
                     re.split(r"[/#]", matter.value)[-1])
        stated = next((t.object.value for t in own if t.subject == matter and t.predicate.value == str(EKG.asOfDate)), None)
        day = _as_date(as_of) if as_of else (_as_date(stated) if stated else dt.date.today())
        iri = f"{ASSESSMENT_BASE}{quote(ident, safe='')}/{day.isoformat()}"
        inferred = rule_engine.run(own, ox.NamedNode(iri), matter, day)
        result = MatterAssessment(matter.value, ident, day, iri, triples=own + inferred)
        _read_back(rule_engine, result)
        results.append(result)
    return results


# --- reading the findings back -------------------------------------------------------------------

class _Labels:
    """Labels of terms in a language (rdfs:label, else schema:name, case number, identifier, local name)."""

    PRIORITY = ("label", "name", "caseNumber", "identifier", "notation")

    def __init__(self, rule_engine):
        self.engine, self.cache = rule_engine, {}

    def names(self, term) -> dict:
        if term.value not in self.cache:
            found: dict = {}
            for row in self.engine.query(
                    f"SELECT ?p ?l WHERE {{ VALUES ?p {{ rdfs:label schema:name ekg:caseNumber dcterms:identifier skos:notation }} "
                    f"<{term.value}> ?p ?l FILTER(isLiteral(?l)) }}"):
                key = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                found.setdefault((key, row["l"].language), row["l"].value)
            self.cache[term.value] = found
        return self.cache[term.value]

    def __call__(self, term, lang="en"):
        if isinstance(term, ox.Literal):
            return term.value
        names = self.names(term)
        for key, language in [("label", lang), ("label", "en")] + [(k, None) for k in self.PRIORITY[1:]]:
            if (key, language) in names:
                return names[(key, language)]
        return re.split(r"[/#]", term.value)[-1]


def _ref(term, labels):
    if isinstance(term, ox.Literal):
        return term.value
    ref = {"iri": term.value, "en": labels(term, "en"), "zh": labels(term, "zh")}
    identifier = labels.names(term).get(("identifier", None))
    if identifier and identifier.startswith(("§", "T&D")):
        ref["id"] = identifier
    return ref


def _read_back(rule_engine: RuleEngine, result: MatterAssessment) -> None:
    labels, a = _Labels(rule_engine), f"<{result.assessment}>"
    findings: dict = {}
    for row in rule_engine.query(f"SELECT ?f WHERE {{ {a} ekg:hasFinding ?f }}"):
        findings[row["f"].value] = {"id": row["f"].value}
    for key, prop in {**_SCALARS, **_LISTS}.items():
        for row in rule_engine.query(f"SELECT ?f ?v WHERE {{ {a} ekg:hasFinding ?f . ?f ekg:{prop} ?v }} ORDER BY ?v"):
            value = _ref(row["v"], labels)
            if key in _LISTS:
                findings[row["f"].value].setdefault(key, []).append(value)
            else:
                findings[row["f"].value][key] = value
    for row in rule_engine.query(f"SELECT ?f ?k ?o WHERE {{ {a} ekg:hasFinding ?f . ?f a ?k . ?k ekg:sectionOrder ?o }} ORDER BY ?o"):
        finding = findings[row["f"].value]
        if "kind" not in finding:
            finding.update(kind=_ref(row["k"], labels), order=int(row["o"].value))
    derived, own = {}, {}
    for row in rule_engine.query(f"SELECT ?f ?g WHERE {{ {a} ekg:hasFinding ?f . ?f prov:wasDerivedFrom ?g }}"):
        derived.setdefault(row["f"].value, []).append(row["g"].value)
    for row in rule_engine.query(f"SELECT ?f ?s ?p ?o WHERE {{ {a} ekg:hasFinding ?f . ?f ekg:usedFact ?st . "
                                 "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"):
        fact = {"subject": _ref(row["s"], labels), "property": _ref(row["p"], labels), "value": _ref(row["o"], labels)}
        own.setdefault(row["f"].value, []).append(fact)
    for iri, finding in findings.items():
        finding["direct"] = iri in own
        facts, todo, seen = list(own.get(iri, [])), list(derived.get(iri, [])), set()
        while todo:
            node = todo.pop(0)
            if node in seen:
                continue
            seen.add(node)
            facts += own.get(node, [])
            if node not in own:
                todo += derived.get(node, [])
        if facts:
            finding["facts"] = [f for i, f in enumerate(facts) if f not in facts[:i]]
    for finding in findings.values():
        for key in ("status", "mechanism", "timeLimit"):
            if isinstance(finding.get(key), dict):
                finding[key].update(_extra(rule_engine, finding[key]["iri"], labels))
        for item in finding.get("notes", []):
            item.update(_extra(rule_engine, item["iri"], labels))
    result.findings = sorted(findings.values(), key=lambda f: (f.get("order", 99), f["id"]))
    result.facts = {"instrument": [_ref(r["v"], labels) for r in rule_engine.query(
                        f"SELECT ?v WHERE {{ <{result.matter}> ekg:concernsInstrument ?i . ?i a ?v . ?v rdfs:subClassOf ekg:LegalInstrument . "
                        "FILTER NOT EXISTS { ?i a ?n . ?n rdfs:subClassOf ?v . FILTER(?n != ?v && isIRI(?n)) } }")],
                    "debtors": [_ref(r["d"], labels) for r in rule_engine.query(f"SELECT ?d WHERE {{ <{result.matter}> ekg:debtor ?d }}")]}
    result.form_conditions = frozenset(r["c"].value for r in rule_engine.query(
        "SELECT ?c WHERE { ?form rdfs:subClassOf ekg:Party ; ekg:indicatesCondition ?c }"))


def _extra(rule_engine, iri, labels) -> dict:
    extra = {}
    for row in rule_engine.query(f"SELECT ?p ?v WHERE {{ <{iri}> ?p ?v . VALUES ?p {{ skos:notation ekg:consequence skos:definition }} }}"):
        name = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        lang = row["v"].language or "en"
        extra[name if name == "notation" else f"{name}_{lang}"] = row["v"].value
    return extra


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
    parser.add_argument("casefile", nargs="+", type=Path, help="case file(s): Turtle, JSON-LD or CSV")
    parser.add_argument("--as-of", dest="as_of", metavar="DATE", help="assess as of this date (YYYY-MM-DD); default: the matter's ekg:asOfDate, else today")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of labels in the text output")


def run(args) -> int:
    from .intake import IntakeError, read_files
    from .load import GraphLoadError

    try:
        as_of = _as_date(args.as_of) if args.as_of else None
    except ValueError:
        print(f"--as-of {args.as_of!r}: expected a date written YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        data = read_files(args.casefile)
    except (IntakeError, GraphLoadError) as exc:
        print(exc, file=sys.stderr)
        return 2
    results = assess(data, as_of)
    if not results:
        print(f"{', '.join(map(str, args.casefile))}: no ekg:Matter found; expected at least one matter", file=sys.stderr)
        return 2
    sys.stdout.write(render(results, args.format, args.lang))
    return 0
