"""Generate synthetic, realistic matters for benchmarking ``enforcekg validate``.

The mix follows what an analyst's batch looks like: foreign judgments on treaty or reciprocity
bases, New York Convention and regional awards, domestic judgments, awards, payment orders and
notarised debt instruments; companies (some sole-shareholder, some with unpaid capital),
partnerships and natural persons; known assets and debtor conduct. About one matter in five
carries a typical mistake (a missing document, a late filing, a wrong court, a wrong basis, a bad
date), so the checks have something to report.

    python benchmarks/generate_matters.py 10000 -o /tmp/matters.ttl [--seed 7] [--format ttl|csv]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIXES = """@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix case: <https://w3id.org/enforcekg/case/> .
"""
FJ_DOCS = ["doc-fj-application-letter", "doc-fj-judgment-copy", "doc-fj-proof-of-effectiveness",
           "doc-fj-chinese-translation", "doc-fj-notarisation-authentication"]
AWARD_DOCS = ["doc-award-application", "doc-award-notarised-copy", "doc-award-translation", "doc-award-asset-tracing-report"]
INTERMEDIATE = ["court-beijing-1st-intermediate", "court-beijing-4th-intermediate", "court-shenyang-intermediate",
                "court-shenzhen-intermediate", "court-guangzhou-intermediate", "court-shanghai-maritime"]
TREATY = ["fr", "it", "ru", "es", "pl", "ae", "br", "tr"]
RECIPROCITY = ["gb", "us", "de", "sg", "kr", "au", "nz", "ca"]
NYC_SEATS = ["sg", "gb", "se", "ch", "fr", "us", "de"]
ASSETS = ["asset-bank-deposits", "asset-real-estate", "asset-equity", "asset-vehicles", "asset-receivables",
          "asset-listed-shares", "asset-digital-payment-balances", "asset-ip-rights"]
CONDUCT = ["TransferAtUndervalue", "WaiverOfClaims", "GuaranteeForOthers", "TransferWithoutConsideration",
           "ShamTransferOrFalseSettlement", "ConcealmentOfAssets", "FailureToReportAssets"]
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou", "Suzhou", "Chengdu", "Wuhan", "Tianjin", "Xiamen"]


def _d(day: date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def matter(i: int, rng: random.Random) -> str:
    mid = f"B-{i:06d}"
    m = f"case:{mid}"
    broken = rng.random() < 0.2
    flaw = rng.choice(["document", "late", "court", "basis", "dates", "party"]) if broken else None
    lines = []
    kind = rng.choices(["fj", "award", "domestic", "payment", "notarised"], weights=[35, 25, 25, 8, 7])[0]
    effective = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1300))
    filed = effective + timedelta(days=rng.randint(20, 600))
    if flaw == "late":
        filed = effective + timedelta(days=rng.randint(740, 900))
    if flaw == "dates":
        filed = effective - timedelta(days=rng.randint(1, 30))

    # parties
    debtor_kind = rng.choices(["Company", "Partnership", "NaturalPerson"], weights=[75, 10, 15])[0]
    debtor = [f"{m}-debtor a ekg:{debtor_kind} ; schema:name \"Debtor {i} Co Ltd\" ; ekg:domicileInMainland true"]
    if debtor_kind == "Company":
        sole = rng.random() < 0.3
        debtor.append(f"ekg:hasSoleShareholder {'true' if sole else 'false'} ; ekg:shareholderCount {1 if sole else rng.randint(2, 9)}")
        if sole:
            debtor.append(f"ekg:soleShareholderProvesSeparateAssets {rng.choice(['true', 'false'])}")
        if rng.random() < 0.3:
            debtor.append(f'ekg:capitalUnpaid true ; ekg:unpaidCapitalAmount "{rng.randint(1, 50) * 100000}.00"^^xsd:decimal')
        if rng.random() < 0.15:
            debtor.append("ekg:insolvent true ; ekg:facesMultipleCreditors true")
        if flaw == "party":
            debtor.append("ekg:shareholderCount 0")
    elif debtor_kind == "Partnership":
        debtor.append(f"ekg:generalPartner {m}-gp ; ekg:limitedPartner {m}-lp")
        lines.append(f'{m}-gp a ekg:Party ; schema:name "General Partner {i}" .')
        lines.append(f'{m}-lp a ekg:Party ; schema:name "Limited Partner {i}" ; ekg:contributionUnpaid true .')
    conduct = []
    for n in range(rng.choice([0, 0, 0, 1, 2])):
        when = effective + timedelta(days=rng.randint(-200, 300))
        conduct.append(f"{m}-act{n}")
        lines.append(f'{m}-act{n} a ekg:{rng.choice(CONDUCT)} ; ekg:conductDate {_d(when)} ; '
                     f'ekg:conductAmount "{rng.randint(1, 90) * 10000}.00"^^xsd:decimal .')
    if conduct:
        debtor.append("ekg:hasConduct " + " , ".join(conduct))
    lines.append(" ;\n    ".join(debtor) + " .")
    lines.append(f'{m}-applicant a ekg:Company ; schema:name "Creditor {i} Ltd" ; ekg:domicileInMainland {rng.choice(["true", "false"])} .')

    # instrument and applications
    inst, apps = f"{m}-inst", []
    rec, enf = f"{m}-rec", f"{m}-enf"
    if kind == "fj":
        treaty = rng.random() < 0.4
        country = rng.choice(TREATY if treaty else RECIPROCITY)
        basis = "basis-bilateral-treaty" if treaty else "basis-reciprocity-judgments"
        if flaw == "basis":
            basis = "basis-bilateral-treaty" if not treaty else "basis-new-york-convention"
        docs = list(FJ_DOCS)
        if flaw == "document":
            docs.remove(rng.choice(docs))
        court = rng.choice(INTERMEDIATE)
        if flaw == "court":
            lines.append(f'{m}-court a ekg:BasicPeoplesCourt ; schema:name "{rng.choice(CITIES)} District People\'s Court" ; '
                         "ekg:courtLevel ekgid:level-basic .")
            court = None
        lines.append(f"{inst} a ekg:ForeignJudgment ; ekg:countryOfOrigin ekgid:country-{country} ; "
                     f"ekg:dateRendered {_d(effective - timedelta(days=30))} ; ekg:dateEffective {_d(effective)} ; "
                     f'ekg:isFinal true ; ekg:renderedInDefault false ; ekg:amountAwarded "{rng.randint(10, 9000) * 1000}.00"^^xsd:decimal ; '
                     'ekg:amountCurrency "USD" .')
        lines.append(f"{rec} a ekg:RecognitionApplication ; ekg:filedWith {('ekgid:' + court) if court else m + '-court'} ; "
                     f"ekg:filingDate {_d(filed)} ; ekg:claimedBasis ekgid:{basis} ; ekg:suppliedDocument "
                     + " , ".join("ekgid:" + d for d in docs) + " .")
        apps.append(rec)
    elif kind == "award":
        seat = rng.choice(NYC_SEATS + ["hk"])
        cls = "HongKongArbitralAward" if seat == "hk" else "ForeignArbitralAward"
        seat_iri = "ekgid:region-hk" if seat == "hk" else f"ekgid:country-{seat}"
        basis = "basis-arrangement-hk-awards" if seat == "hk" else "basis-new-york-convention"
        if flaw == "basis":
            basis = "basis-reciprocity-awards"
        docs = list(AWARD_DOCS)
        if flaw == "document":
            docs.remove(rng.choice(docs))
        court = "ekgid:" + rng.choice(INTERMEDIATE)
        if flaw == "court":
            lines.append(f'{m}-court a ekg:BasicPeoplesCourt ; schema:name "District Court {i}" ; ekg:courtLevel ekgid:level-basic .')
            court = f"{m}-court"
        lines.append(f"{inst} a ekg:{cls} ; ekg:seat {seat_iri} ; ekg:dateEffective {_d(effective)} ; ekg:isFinal true ; "
                     f'ekg:commercialRelationship true ; ekg:amountAwarded "{rng.randint(10, 9000) * 1000}.00"^^xsd:decimal ; '
                     'ekg:amountCurrency "USD" .')
        lines.append(f"{rec} a ekg:RecognitionApplication ; ekg:filedWith {court} ; ekg:filingDate {_d(filed)} ; "
                     f"ekg:claimedBasis ekgid:{basis} ; ekg:suppliedDocument " + " , ".join("ekgid:" + d for d in docs) + " .")
        apps.append(rec)
    else:
        cls = {"domestic": rng.choice(["MonetaryPaymentJudgment", "CivilMediationStatement", "DomesticArbitralAward"]),
               "payment": "PaymentOrder", "notarised": "NotarisedDebtInstrument"}[kind]
        extra = ""
        if kind == "payment":
            extra = f" ; ekg:instrumentServiceDate {_d(effective - timedelta(days=16))} ; ekg:writtenObjectionFiled false"
        if kind == "notarised":
            extra = " ; ekg:debtorConsentedToEnforcement true ; ekg:specifiesPaymentObligation true"
        lines.append(f"{inst} a ekg:{cls} ; ekg:dateEffective {_d(effective)} ; "
                     f'ekg:amountAwarded "{rng.randint(10, 9000) * 1000}.00"^^xsd:decimal ; ekg:amountCurrency "CNY"{extra} .')
        if flaw == "court" and cls == "DomesticArbitralAward":
            court = f"{m}-court"
            lines.append(f'{m}-court a ekg:BasicPeoplesCourt ; schema:name "District Court {i}" ; ekg:courtLevel ekgid:level-basic .')
        else:
            court = "ekgid:" + rng.choice(INTERMEDIATE[:-1])
        lines.append(f"{enf} a ekg:EnforcementApplication ; ekg:filedWith {court} ; ekg:filingDate {_d(filed)} .")
        apps.append(enf)

    assets = []
    for n in range(rng.choice([0, 1, 1, 2, 3])):
        assets.append(f"{m}-asset{n}")
        lines.append(f'{m}-asset{n} a ekg:Asset ; ekg:assetClass ekgid:{rng.choice(ASSETS)} ; '
                     f'ekg:assetValue "{rng.randint(1, 500) * 10000}.00"^^xsd:decimal ; ekg:assetLocation "{rng.choice(CITIES)}" .')
    head = (f'{m} a ekg:Matter ; ekg:matterId "{mid}" ; ekg:applicant {m}-applicant ; ekg:debtor {m}-debtor ; '
            f"ekg:concernsInstrument {inst} ; ekg:hasApplication {' , '.join(apps)}")
    if assets:
        head += " ; ekg:knownAsset " + " , ".join(assets)
    return head + " .\n" + "\n".join(lines) + "\n"


def generate(n: int, seed: int = 7) -> str:
    """Turtle text with *n* matters."""
    rng = random.Random(seed)
    return PREFIXES + "\n".join(matter(i, rng) for i in range(n))


def generate_csv(n: int, path: Path, seed: int = 7) -> None:
    """A CSV batch of *n* foreign-judgment and domestic matters in the template's columns."""
    from enforcekg.casecsv import COLUMNS
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c.name for c in COLUMNS], lineterminator="\n")
        writer.writeheader()
        for i in range(n):
            effective = date(2022, 1, 1) + timedelta(days=rng.randint(0, 900))
            row = dict(matter_id=f"C-{i:06d}", applicant_name=f"Creditor {i} Ltd", applicant_type="company",
                       debtor_name=f"Debtor {i} Co Ltd", debtor_type=rng.choice(["company", "natural-person"]),
                       debtor_domicile_in_mainland="yes", instrument_date_effective=effective.isoformat(),
                       instrument_amount=str(rng.randint(10, 9000) * 1000), instrument_currency="CNY",
                       assets="|".join(rng.sample(ASSETS, rng.randint(0, 2))))
            if rng.random() < 0.5:
                country = rng.choice(TREATY + RECIPROCITY)
                row.update(instrument_kind="ForeignJudgment", instrument_country=country.upper(), instrument_final="yes",
                           instrument_default="no", recognition_court=rng.choice(INTERMEDIATE),
                           recognition_filing_date=(effective + timedelta(days=rng.randint(20, 700))).isoformat(),
                           recognition_basis="basis-bilateral-treaty" if country in TREATY else "basis-reciprocity-judgments",
                           recognition_documents="|".join(FJ_DOCS))
            else:
                row.update(instrument_kind="MonetaryPaymentJudgment", enforcement_court=rng.choice(INTERMEDIATE[:-1]),
                           enforcement_filing_date=(effective + timedelta(days=rng.randint(20, 700))).isoformat())
            writer.writerow(row)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of matters")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("ttl", "csv"), default="ttl")
    args = parser.parse_args(argv)
    if args.format == "csv":
        generate_csv(args.n, args.output, args.seed)
    else:
        args.output.write_text(generate(args.n, args.seed), encoding="utf-8")
    print(f"{args.n} matters written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
