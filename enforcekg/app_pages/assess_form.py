"""The guided form of the Assess page: it asks only what matters for the answers so far and fills the
documented CSV columns (``enforcekg.casecsv``), so a matter built here reads exactly like a row of
the CSV template; the row is read by the package's CSV intake, which checks every cell."""

from __future__ import annotations

import csv
import io
from datetime import date

import pycountry
import streamlit as st

from .. import explore
from .common import embedded_engine

FOREIGN_CODES = sorted((c.alpha_2, c.name) for c in pycountry.countries if c.alpha_2 not in ("CN", "HK", "MO", "TW"))


@st.cache_data(show_spinner=False)
def _choices(cls: str, lg: str) -> dict[str, str]:
    """CURIE -> label of the members of *cls*."""
    return {l.curie: l.label(lg) for l in explore.members(embedded_engine(), cls)}


@st.cache_data(show_spinner=False)
def _kind_labels(lg: str) -> dict[str, str]:
    from ..casecsv import vocabularies

    labels = _labels_of(tuple(vocabularies()["instrument-kind"].values()), lg)
    return dict(sorted(((k, labels.get(iri, k)) for k, iri in vocabularies()["instrument-kind"].items()),
                       key=lambda kv: kv[1].lower()))


@st.cache_data(show_spinner=False)
def _keyword_labels(kind: str, lg: str) -> dict[str, str]:
    from ..casecsv import vocabularies

    vocab = vocabularies()[kind]
    labels = _labels_of(tuple(vocab.values()), lg)
    return dict(sorted(((k, labels.get(iri, k)) for k, iri in vocab.items()), key=lambda kv: kv[1].lower()))


def _labels_of(iris: tuple, lg: str) -> dict:
    from rdflib import URIRef

    from ..load import load_knowledge_graph

    graph = load_knowledge_graph(copy=False)
    out = {}
    for iri in iris:
        labels = {l.language: str(l) for l in graph.objects(URIRef(iri), explore.RDFS.label)}
        out[iri] = explore.pick(labels, lg, iri.rsplit("#", 1)[-1])
    return out


@st.cache_data(show_spinner=False)
def _below(kind: str, root: str) -> bool:
    return explore.is_subclass(embedded_engine(), f"ekg:{kind}", root)


def _yes_no(row: dict, column: str, question: str, key: str | None = None, help: str | None = None) -> str:
    value = st.segmented_control(question, ["yes", "no"], key=key or f"q-{column}",
                                 help=(help + " " if help else "") + "Leave both unselected if you do not know.")
    row[column] = value or ""
    return value or ""


def _pick(row: dict, column: str, question: str, options: dict, none: str = "— not known —", key=None) -> str:
    choices = [""] + list(options)
    value = st.selectbox(question, choices, format_func=lambda v: options.get(v, none) if v else none, key=key or f"q-{column}")
    row[column] = value
    return value


def guided_form(lg: str) -> dict:
    """Ask only what matters for the answers so far; return the CSV row (column -> text)."""
    row: dict = {}
    st.markdown("##### The instrument")
    kinds = _kind_labels(lg)
    default = list(kinds).index("ForeignJudgment") if "ForeignJudgment" in kinds else 0
    kind = st.selectbox("What do you want to enforce?", list(kinds), index=default, format_func=kinds.get, key="q-kind")
    row["instrument_kind"] = kind
    recognition = _below(kind, "ekg:InstrumentRequiringRecognition")
    award = _below(kind, "ekg:ArbitralAward")
    regional = _below(kind, "ekg:HongKongMacauTaiwanJudgment") or _below(kind, "ekg:HongKongMacauTaiwanArbitralAward")
    foreign = recognition and not regional
    cols = st.columns(3)
    with cols[0]:
        rendered = st.date_input("Date rendered", value=None, key="q-rendered")
    with cols[1]:
        effective = st.date_input("Date it took effect", value=None, key="q-effective",
                                  help="The two-year limit for applying runs from here.")
    with cols[2]:
        row["instrument_case_number"] = st.text_input("Case number", key="q-case-number")
    row["instrument_date_rendered"] = rendered.isoformat() if rendered else ""
    row["instrument_date_effective"] = effective.isoformat() if effective else ""
    cols = st.columns(3)
    amount = cols[0].number_input("Amount awarded", min_value=0.0, value=None, step=1000.0, key="q-amount")
    row["instrument_amount"] = f"{amount:.2f}" if amount is not None else ""
    row["instrument_currency"] = cols[1].selectbox("Currency", ["CNY", "USD", "EUR", "GBP", "HKD", "JPY", "SGD"],
                                                   key="q-currency") if amount is not None else ""
    if recognition:
        regions = {"HK": "Hong Kong", "MO": "Macau", "TW": "Taiwan"}
        places = regions if regional else dict(FOREIGN_CODES)
        where = "Seat of the arbitration" if award else ("Region of the court" if regional else "Country of the court")
        _pick(row, "instrument_seat" if award else "instrument_country", where, places, key="q-place")
        if award:
            _yes_no(row, "instrument_commercial", "Does the dispute arise from a commercial relationship?",
                    help="China's commercial reservation to the New York Convention.")
            if foreign:
                _yes_no(row, "instrument_investor_state", "Is it an investor–state dispute?")
        else:
            _yes_no(row, "instrument_final", "Is the judgment final and effective where it was given?")
            if _yes_no(row, "instrument_default", "Was it given in default of appearance?") == "yes":
                methods = _keyword_labels("service-method", lg)
                _pick(row, "instrument_service_method", "How was the summons served?", methods, key="q-service")
            punitive = st.number_input("Punitive part of the amount, if any", min_value=0.0, value=None, key="q-punitive")
            row["instrument_punitive_amount"] = f"{punitive:.2f}" if punitive else ""
    elif award:
        _yes_no(row, "instrument_arbitration_agreement", "Is there a valid arbitration agreement?")

    st.markdown("##### The parties")
    cols = st.columns(2)
    party_types = _keyword_labels("party-type", lg)
    row["applicant_name"] = cols[0].text_input("Creditor (applicant)", value="Creditor Co", key="q-applicant")
    row["applicant_type"] = cols[0].selectbox("Creditor is a", list(party_types), format_func=party_types.get,
                                              key="q-applicant-type")
    row["debtor_name"] = cols[1].text_input("Debtor", value="Debtor Co", key="q-debtor")
    debtor = cols[1].selectbox("Debtor is a", list(party_types), format_func=party_types.get, key="q-debtor-type")
    row["debtor_type"] = debtor
    cols = st.columns(2)
    with cols[0]:
        _yes_no(row, "debtor_domicile_in_mainland", "Is the debtor domiciled in the Mainland?")
    with cols[1]:
        _yes_no(row, "debtor_assets_in_mainland", "Does the debtor hold property in the Mainland?")
    if debtor == "company":
        with st.expander("About the debtor company", expanded=True):
            if _yes_no(row, "debtor_sole_shareholder", "Does it have a single shareholder?") == "yes":
                _yes_no(row, "debtor_sole_shareholder_proves_separate_assets",
                        "Can the shareholder prove the company's assets are separate from its own?")
            if _yes_no(row, "debtor_capital_unpaid", "Have shareholders left subscribed capital unpaid?") == "yes":
                unpaid = st.number_input("Unpaid capital", min_value=0.0, value=None, key="q-unpaid")
                row["debtor_unpaid_capital_amount"] = f"{unpaid:.2f}" if unpaid else ""
            left, right = st.columns(2)
            questions = [("debtor_insolvent", "Insolvent or plainly unable to pay?"),
                         ("debtor_no_enforceable_assets", "Enforcement found no assets to take?"),
                         ("debtor_capital_withdrawn", "Capital withdrawn?"),
                         ("debtor_deregistered_without_liquidation", "Deregistered without liquidation?"),
                         ("debtor_dissolved_assets_distributed", "Dissolved, assets distributed?"),
                         ("debtor_listed", "A listed company?"),
                         ("debtor_multiple_creditors", "Pursued by several creditors?")]
            for index, (column, question) in enumerate(questions):
                with (left if index % 2 == 0 else right):
                    _yes_no(row, column, question)
    elif debtor == "partnership":
        with st.expander("About the debtor partnership", expanded=True):
            row["debtor_general_partners"] = " | ".join(
                n.strip() for n in st.text_input("General partners (comma-separated)", key="q-gp").split(",") if n.strip())
            row["debtor_limited_partners_unpaid"] = " | ".join(
                n.strip() for n in st.text_input("Limited partners with unpaid contributions (comma-separated)",
                                                 key="q-lp").split(",") if n.strip())
    else:
        _yes_no(row, "debtor_no_enforceable_assets", "Has enforcement found no assets to take?")

    st.markdown("##### Conduct and assets")
    conduct = _keyword_labels("conduct", lg)
    acts = st.multiselect("What has the debtor (or its directors or controller) done?", list(conduct),
                          format_func=conduct.get, key="q-conduct")
    if acts:
        when = st.date_input("When, roughly", value=date.today(), key="q-conduct-date")
        row["debtor_conduct"] = " | ".join(f"{a}@{when.isoformat()}" for a in acts)
    assets = _choices("ekg:AssetClass", lg)
    known = st.multiselect("Known assets of the debtor", list(assets), format_func=assets.get, key="q-assets")
    row["assets"] = " | ".join(known)

    st.markdown("##### The application")
    stage = "recognition" if recognition else "enforcement"
    if st.toggle(f"An application for {stage} has been filed", key="q-filed"):
        courts = _choices("ekg:PeoplesCourt", lg)
        cols = st.columns(2)
        row[f"{stage}_court"] = cols[0].selectbox("Court", [""] + list(courts), key="q-court",
                                                  format_func=lambda c: courts.get(c, "— not in the graph —"))
        filed = cols[1].date_input("Filing date", value=date.today(), key="q-filing-date")
        row[f"{stage}_filing_date"] = filed.isoformat()
        if recognition:
            bases = _choices("ekg:RecognitionBasis", lg)
            _pick(row, "recognition_basis", "Basis relied on", bases, none="— none stated —", key="q-basis")
        documents = _choices("ekg:RequiredDocument", lg)
        row[f"{stage}_documents"] = " | ".join(st.multiselect("Documents supplied", list(documents),
                                                              format_func=documents.get, key="q-documents"))
    row["matter_id"] = "M-FORM"
    return {k: v for k, v in row.items() if v not in (None, "")}


def row_to_case(row: dict):
    """The CSV row as case data, read by the package's CSV intake (so every cell is checked)."""
    from ..casecsv import read_csv
    from ..intake import CaseData

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return CaseData(triples=read_csv("the form", out.getvalue())), out.getvalue()


def matter_files(case) -> dict[str, str]:
    """The matter as Turtle and as JSON-LD (with the published context), for download and reloading."""
    import json

    from ..intake import CONTEXT_URL, published_context, to_rdflib

    graph = to_rdflib(case.triples)
    turtle = graph.serialize(format="turtle")
    document = json.loads(graph.serialize(format="json-ld", context=published_context(), auto_compact=True))
    document["@context"] = CONTEXT_URL
    return {"ttl": turtle, "jsonld": json.dumps(document, ensure_ascii=False, indent=2)}
