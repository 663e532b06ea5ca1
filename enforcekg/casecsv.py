"""Matters from CSV: one row per matter, the columns documented in
``data/templates/matters-columns.md``.

The table :data:`COLUMNS` says which node of the matter a column describes and which property it
fills; the values a keyword column accepts (party types, instrument kinds, conduct kinds, service
methods, jurisdiction codes) are read from the graph (``skos:notation``, class names,
``dcterms:identifier``), never listed here. Every bad header or cell is reported as
``file:line:column: column 'name': what was expected``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote

import pycountry
import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .intake import CASE_BASE, IntakeError
from .namespaces import EKG, EKGID, PREFIXES, SCHEMA

XSD = "http://www.w3.org/2001/XMLSchema#"
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TOKEN = re.compile(r"^(?:[a-z]+:)?[A-Za-z0-9][A-Za-z0-9._-]*$|^https?://\S+$")
APPLICATIONS = {"recognition": "RecognitionApplication", "enforcement": "EnforcementApplication",
                "preservation": "PreservationApplication"}


@dataclass(frozen=True)
class Column:
    name: str
    node: str          # matter, applicant, debtor, instrument, recognition, enforcement, preservation
    prop: str | None   # CURIE of the property filled (None for the special kinds)
    kind: str          # text, id, date, bool, int, decimal, iri, iris, party-type, instrument-kind,
                       # jurisdiction, service-method, conduct, assets, partners, partners-unpaid
    required: bool = False


def _c(name, node, prop, kind, required=False):
    return Column(name, node, prop, kind, required)


COLUMNS = [
    _c("matter_id", "matter", "ekg:matterId", "id", True),
    _c("as_of_date", "matter", "ekg:asOfDate", "date"),
    _c("applicant_holds_preservation", "matter", "ekg:applicantHoldsPreservation", "bool"),
    _c("applicant_name", "applicant", "schema:name", "text", True),
    _c("applicant_type", "applicant", None, "party-type", True),
    _c("applicant_domicile_in_mainland", "applicant", "ekg:domicileInMainland", "bool"),
    _c("debtor_name", "debtor", "schema:name", "text", True),
    _c("debtor_type", "debtor", None, "party-type", True),
    _c("debtor_domicile_in_mainland", "debtor", "ekg:domicileInMainland", "bool"),
    _c("debtor_assets_in_mainland", "debtor", "ekg:assetsInMainland", "bool"),
    _c("debtor_sole_shareholder", "debtor", "ekg:hasSoleShareholder", "bool"),
    _c("debtor_shareholder_count", "debtor", "ekg:shareholderCount", "int"),
    _c("debtor_sole_shareholder_proves_separate_assets", "debtor", "ekg:soleShareholderProvesSeparateAssets", "bool"),
    _c("debtor_capital_unpaid", "debtor", "ekg:capitalUnpaid", "bool"),
    _c("debtor_unpaid_capital_amount", "debtor", "ekg:unpaidCapitalAmount", "decimal"),
    _c("debtor_capital_withdrawn", "debtor", "ekg:capitalWithdrawn", "bool"),
    _c("debtor_capital_deadline_accelerated", "debtor", "ekg:capitalDeadlineAccelerated", "bool"),
    _c("debtor_deregistered_without_liquidation", "debtor", "ekg:deregisteredWithoutLiquidation", "bool"),
    _c("debtor_dissolved_assets_distributed", "debtor", "ekg:dissolvedAssetsDistributed", "bool"),
    _c("debtor_insolvent", "debtor", "ekg:insolvent", "bool"),
    _c("debtor_listed", "debtor", "ekg:listedCompany", "bool"),
    _c("debtor_multiple_creditors", "debtor", "ekg:facesMultipleCreditors", "bool"),
    _c("debtor_no_enforceable_assets", "debtor", "ekg:noEnforceableAssetsFound", "bool"),
    _c("debtor_general_partners", "debtor", "ekg:generalPartner", "partners"),
    _c("debtor_limited_partners_unpaid", "debtor", "ekg:limitedPartner", "partners-unpaid"),
    _c("debtor_conduct", "debtor", "ekg:hasConduct", "conduct"),
    _c("instrument_kind", "instrument", None, "instrument-kind", True),
    _c("instrument_case_number", "instrument", "ekg:caseNumber", "text"),
    _c("instrument_issued_by", "instrument", "ekg:issuedBy", "iri"),
    _c("instrument_issuing_body_name", "instrument", "ekg:issuingBodyName", "text"),
    _c("instrument_country", "instrument", "ekg:countryOfOrigin", "jurisdiction"),
    _c("instrument_seat", "instrument", "ekg:seat", "jurisdiction"),
    _c("instrument_date_rendered", "instrument", "ekg:dateRendered", "date"),
    _c("instrument_date_effective", "instrument", "ekg:dateEffective", "date"),
    _c("instrument_final", "instrument", "ekg:isFinal", "bool"),
    _c("instrument_default", "instrument", "ekg:renderedInDefault", "bool"),
    _c("instrument_service_method", "instrument", "ekg:serviceMethod", "service-method"),
    _c("instrument_service_date", "instrument", "ekg:serviceDate", "date"),
    _c("instrument_hearing_date", "instrument", "ekg:hearingDate", "date"),
    _c("instrument_served_on_debtor_date", "instrument", "ekg:instrumentServiceDate", "date"),
    _c("instrument_objection_filed", "instrument", "ekg:writtenObjectionFiled", "bool"),
    _c("instrument_debtor_consented", "instrument", "ekg:debtorConsentedToEnforcement", "bool"),
    _c("instrument_specifies_payment", "instrument", "ekg:specifiesPaymentObligation", "bool"),
    _c("instrument_amount", "instrument", "ekg:amountAwarded", "decimal"),
    _c("instrument_currency", "instrument", "ekg:amountCurrency", "currency"),
    _c("instrument_punitive_amount", "instrument", "ekg:punitiveAmount", "decimal"),
    _c("instrument_penal_content", "instrument", "ekg:includesPenalContent", "bool"),
    _c("instrument_commercial", "instrument", "ekg:commercialRelationship", "bool"),
    _c("instrument_investor_state", "instrument", "ekg:investorStateDispute", "bool"),
    _c("instrument_arbitration_agreement", "instrument", "ekg:validArbitrationAgreement", "bool"),
    _c("instrument_arbitration_waived", "instrument", "ekg:arbitrationRightWaived", "bool"),
    _c("instrument_conflicting_judgment", "instrument", "ekg:conflictingJudgmentExists", "bool"),
    _c("recognition_court", "recognition", "ekg:filedWith", "court"),
    _c("recognition_court_level", "recognition", "ekg:courtLevel", "court-level"),
    _c("recognition_filing_date", "recognition", "ekg:filingDate", "date"),
    _c("recognition_basis", "recognition", "ekg:claimedBasis", "iri"),
    _c("recognition_documents", "recognition", "ekg:suppliedDocument", "iris"),
    _c("recognition_debtor_objects_time_limit", "recognition", "ekg:debtorObjectsToTimeLimit", "bool"),
    _c("enforcement_court", "enforcement", "ekg:filedWith", "court"),
    _c("enforcement_court_level", "enforcement", "ekg:courtLevel", "court-level"),
    _c("enforcement_filing_date", "enforcement", "ekg:filingDate", "date"),
    _c("enforcement_documents", "enforcement", "ekg:suppliedDocument", "iris"),
    _c("enforcement_debtor_objects_time_limit", "enforcement", "ekg:debtorObjectsToTimeLimit", "bool"),
    _c("preservation_court", "preservation", "ekg:filedWith", "court"),
    _c("preservation_court_level", "preservation", "ekg:courtLevel", "court-level"),
    _c("preservation_filing_date", "preservation", "ekg:filingDate", "date"),
    _c("preservation_security_provided", "preservation", "ekg:securityProvided", "bool"),
    _c("preservation_documents", "preservation", "ekg:suppliedDocument", "iris"),
    _c("assets", "matter", "ekg:knownAsset", "assets"),
]
BY_NAME = {c.name: c for c in COLUMNS}


def _iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return str(PREFIXES[prefix]) + local


def _nn(curie_or_iri: str) -> ox.NamedNode:
    return ox.NamedNode(curie_or_iri if curie_or_iri.startswith("http") else _iri(curie_or_iri))


# --- keyword vocabularies, read from the graph --------------------------------------------------

@lru_cache(maxsize=1)
def vocabularies() -> dict[str, dict[str, str]]:
    """keyword -> IRI for every keyword column, read from the shipped graph."""
    from .load import load_knowledge_graph
    from rdflib import URIRef

    graph = load_knowledge_graph(copy=False)

    def subclasses(root):
        found, todo = set(), [root]
        while todo:
            for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
                if isinstance(sub, URIRef) and sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def notations(nodes):
        return {str(n): str(node) for node in nodes for n in graph.objects(node, SKOS.notation)}

    vocab = {
        "party-type": notations(subclasses(EKG.Party)),
        "conduct": notations(subclasses(EKG.ConductEvent)),
        "service-method": notations(graph.subjects(RDF.type, EKG.ServiceMethod)),
        "instrument-kind": {str(c)[len(str(EKG)):]: str(c) for c in subclasses(EKG.LegalInstrument) if str(c).startswith(str(EKG))},
        "region": {str(code).upper(): str(node) for node in graph.subjects(RDF.type, EKG.Region)
                   for code in graph.objects(node, DCTERMS.identifier)},
        "court-level": {str(node).rsplit("/", 1)[-1].removeprefix("level-"): str(node)
                        for node in graph.subjects(RDF.type, EKG.CourtLevel)},
    }
    return vocab


# --- cells --------------------------------------------------------------------------------------

def _literal(value: str, kind: str) -> ox.Literal:
    if kind in ("text", "id"):
        if kind == "id" and not ID_PATTERN.match(value):
            raise ValueError(f"expected letters, digits, '.', '_' or '-' (starting with a letter or digit), got {value!r}")
        return ox.Literal(value)
    if kind == "currency":
        if not re.fullmatch(r"[A-Z]{3}", value) or pycountry.currencies.get(alpha_3=value) is None:
            raise ValueError(f"expected an ISO 4217 currency code such as CNY, USD or EUR, got {value!r}")
        return ox.Literal(value)
    if kind == "date":
        try:
            date.fromisoformat(value)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if kind == "bool":
        low = value.lower()
        if low not in TRUE | FALSE:
            raise ValueError(f"expected yes or no (or true/false), got {value!r}")
        return ox.Literal("true" if low in TRUE else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if kind in ("int", "decimal"):
        try:
            number = Decimal(value.replace(",", "") if kind == "decimal" else value)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
        if not number.is_finite() or number < 0:
            raise ValueError(f"expected a number of zero or more, got {value!r}")
        if kind == "int":
            if number != number.to_integral_value() or not re.fullmatch(r"\d+", value):
                raise ValueError(f"expected a whole number, got {value!r}")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
        return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "decimal"))
    raise AssertionError(kind)


def _iri_cell(value: str) -> ox.NamedNode:
    if not TOKEN.match(value):
        raise ValueError(f"expected an identifier such as court-beijing-fourth-intermediate or ekgid:…, got {value!r}")
    if value.startswith("http"):
        return ox.NamedNode(value)
    prefix, sep, local = value.partition(":")
    if sep:
        if prefix not in PREFIXES:
            raise ValueError(f"unknown prefix {prefix!r}; expected one of {', '.join(PREFIXES)}")
        return ox.NamedNode(str(PREFIXES[prefix]) + local)
    return ox.NamedNode(str(EKGID) + value)


def _keyword(value: str, kind: str) -> str:
    vocab = vocabularies()[kind]
    if value in vocab:
        return vocab[value]
    hint = difflib.get_close_matches(value, sorted(vocab), n=1)
    allowed = ", ".join(sorted(vocab)) if len(vocab) <= 15 else "a value listed in data/templates/matters-columns.md"
    raise ValueError(f"unknown value {value!r}; expected {'one of: ' if len(vocab) <= 15 else ''}{allowed}"
                     + (f" (did you mean {hint[0]!r}?)" if hint else ""))


def _jurisdiction(value: str) -> ox.NamedNode:
    code = value.strip().upper()
    regions = vocabularies()["region"]
    if code in regions:
        return ox.NamedNode(regions[code])
    if re.fullmatch(r"[A-Z]{2}", code) and pycountry.countries.get(alpha_2=code):
        return ox.NamedNode(str(EKGID) + f"country-{code.lower()}")
    raise ValueError(f"expected an ISO 3166-1 alpha-2 country code (e.g. GB, US, DE) or a region code ({', '.join(sorted(regions))}), got {value!r}")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


# --- rows ---------------------------------------------------------------------------------------

def read_csv(path, text: str) -> list:
    """The triples of every matter in a CSV file; raises :class:`IntakeError` listing every bad cell."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise IntakeError(path, f"expected a header row naming the columns ({exc})", 1, 1) from exc
    errors = []
    header = [h.strip() for h in header]
    for index, name in enumerate(header, 1):
        if name not in BY_NAME:
            hint = difflib.get_close_matches(name, list(BY_NAME), n=1)
            errors.append((1, index, f"unknown column {name!r}; expected a column documented in data/templates/matters-columns.md"
                           + (f" (did you mean {hint[0]!r}?)" if hint else "")))
        elif header.index(name) != index - 1:
            errors.append((1, index, f"column {name!r} appears twice; expected each column once"))
    for column in COLUMNS:
        if column.required and column.name not in header:
            errors.append((1, len(header) + 1, f"missing required column {column.name!r}"))
    triples, seen = [], {}
    if not errors:
        try:
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    errors.append((line, len(header) + 1, f"row has {len(row)} cells but the header names {len(header)} columns"))
                    continue
                cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
                _row(cells, header, line, triples, errors, seen)
        except csv.Error as exc:
            errors.append((reader.line_num, 1, f"malformed CSV ({exc}); expected comma-separated cells with \"double quotes\" around cells containing commas"))
    if errors:
        lines = [str(IntakeError(path, message, row, col)) for row, col, message in errors]
        raise CsvErrors(path, errors[0][2], errors[0][0], errors[0][1], lines)
    return triples


class CsvErrors(IntakeError):
    """Several bad cells; ``str()`` lists every one, one per line."""

    def __init__(self, path, message, line, column, lines):
        super().__init__(path, message, line, column)
        self.lines = lines
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _row(cells, header, line, triples, errors, seen):
    def where(name):
        return header.index(name) + 1

    matter_id = cells.get("matter_id", "")
    if not matter_id:
        errors.append((line, where("matter_id"), "column 'matter_id': a value is required"))
        return
    if not ID_PATTERN.match(matter_id):
        errors.append((line, where("matter_id"), f"column 'matter_id': expected letters, digits, '.', '_' or '-', got {matter_id!r}"))
        return
    if matter_id in seen:
        errors.append((line, where("matter_id"), f"column 'matter_id': {matter_id!r} was already used on line {seen[matter_id]}; expected one row per matter"))
        return
    seen[matter_id] = line
    base = CASE_BASE + quote(matter_id, safe="")
    nodes = {"matter": ox.NamedNode(base), "applicant": ox.NamedNode(base + "/applicant"),
             "debtor": ox.NamedNode(base + "/debtor-1"), "instrument": ox.NamedNode(base + "/instrument")}
    for kind in APPLICATIONS:
        nodes[kind] = ox.NamedNode(f"{base}/{kind}-application")
    rdf_type = ox.NamedNode(str(RDF.type))
    add = lambda s, p, o: triples.append(ox.Triple(s, p if isinstance(p, ox.NamedNode) else _nn(p), o))  # noqa: E731
    add(nodes["matter"], rdf_type, _nn("ekg:Matter"))
    add(nodes["matter"], "ekg:applicant", nodes["applicant"])
    add(nodes["matter"], "ekg:debtor", nodes["debtor"])
    add(nodes["matter"], "ekg:concernsInstrument", nodes["instrument"])
    used = set()
    for name in header:
        value, column = cells[name], BY_NAME[name]
        if not value:
            if column.required:
                errors.append((line, where(name), f"column {name!r}: a value is required"))
            continue
        subject = nodes[column.node]
        used.add(column.node)
        try:
            _cell(column, value, subject, base, add, rdf_type)
        except ValueError as exc:
            errors.append((line, where(name), f"column {name!r}: {exc}"))
    for kind in APPLICATIONS:
        level, court = cells.get(f"{kind}_court_level", ""), cells.get(f"{kind}_court", "")
        if level and (not court or TOKEN.match(court)):
            errors.append((line, where(f"{kind}_court_level"), f"column '{kind}_court_level': give a level only for a court named in free text in '{kind}_court' (courts of the graph, like court-beijing-4th-intermediate, already have one)"))
    for kind, cls in APPLICATIONS.items():
        if kind in used:
            add(nodes["matter"], "ekg:hasApplication", nodes[kind])
            add(nodes[kind], rdf_type, _nn(f"ekg:{cls}"))


def _cell(column, value, subject, base, add, rdf_type):
    kind = column.kind
    if kind in ("party-type", "instrument-kind"):
        add(subject, rdf_type, ox.NamedNode(_keyword(value, kind)))
    elif kind == "iri":
        add(subject, column.prop, _iri_cell(value))
    elif kind == "court":
        if TOKEN.match(value):
            add(subject, column.prop, _iri_cell(value))
        else:  # a court named in free text, described in the case data
            court = ox.NamedNode(subject.value + "-court")
            add(subject, column.prop, court)
            add(court, rdf_type, _nn("ekg:PeoplesCourt"))
            add(court, "schema:name", ox.Literal(value))
    elif kind == "court-level":
        court = ox.NamedNode(subject.value + "-court")
        add(court, column.prop, ox.NamedNode(_keyword(value, kind)))
    elif kind == "iris":
        for item in _split(value):
            add(subject, column.prop, _iri_cell(item))
    elif kind == "jurisdiction":
        add(subject, column.prop, _jurisdiction(value))
    elif kind == "service-method":
        add(subject, column.prop, ox.NamedNode(_keyword(value, kind)))
    elif kind in ("partners", "partners-unpaid"):
        role = "general" if kind == "partners" else "limited"
        for index, name in enumerate(_split(value), 1):
            partner = ox.NamedNode(f"{base}/{role}-partner-{index}")
            add(subject, column.prop, partner)
            add(partner, rdf_type, _nn("ekg:Party"))
            add(partner, "schema:name", ox.Literal(name))
            if kind == "partners-unpaid":
                add(partner, "ekg:contributionUnpaid", _literal("true", "bool"))
    elif kind == "conduct":
        for index, item in enumerate(_split(value), 1):
            parts = item.split("@")
            if len(parts) not in (2, 3):
                raise ValueError(f"expected kind@YYYY-MM-DD or kind@YYYY-MM-DD@amount for each act, got {item!r}")
            event = ox.NamedNode(f"{base}/conduct-{index}")
            add(subject, column.prop, event)
            add(event, rdf_type, ox.NamedNode(_keyword(parts[0].strip(), "conduct")))
            add(event, "ekg:conductDate", _literal(parts[1].strip(), "date"))
            if len(parts) == 3:
                add(event, "ekg:conductAmount", _literal(parts[2].strip(), "decimal"))
    elif kind == "assets":
        for index, item in enumerate(_split(value), 1):
            asset_class, _, amount = item.partition("=")
            asset = ox.NamedNode(f"{base}/asset-{index}")
            add(subject, column.prop, asset)
            add(asset, rdf_type, _nn("ekg:Asset"))
            add(asset, "ekg:assetClass", _iri_cell(asset_class.strip()))
            if amount.strip():
                add(asset, "ekg:assetValue", _literal(amount.strip(), "decimal"))
    else:
        add(subject, column.prop, _literal(value, kind))
