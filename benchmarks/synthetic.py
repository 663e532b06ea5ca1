"""Generate realistic synthetic matters (case data) for the benchmark.

Usage::

    python benchmarks/synthetic.py N [-o FILE] [--seed S]

Each matter is one of six kinds drawn with fixed weights — an English/US/German/Russian money
judgment to be recognised (like ``data/examples/m01-uk-judgment-valid.ttl``), a New York
Convention award, a Hong Kong judgment under the Arrangement, a Hong Kong award, a mainland
judgment enforced with debtor conduct (creditor's revocation), a payment order — with parties,
an application filed with a real court of the knowledge base, supplied documents, assets and
dates. About one matter in eight has a defect the shapes report (missing document, filing before
the instrument took effect, a foreign court as the filing court, a bad currency code). Matters
average about 25 triples. The output is Turtle (``case:`` IRIs, one matter after another) and is
deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

PREFIXES = """\
@prefix ekg: <https://w3id.org/enforcekg/def#> .
@prefix ekgid: <https://w3id.org/enforcekg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix case: <https://w3id.org/enforcekg/case/> .

"""

MAINLAND_COURTS = ["court-beijing-1st-intermediate", "court-beijing-4th-intermediate", "court-shenyang-intermediate",
                   "court-shenzhen-intermediate", "court-guangzhou-intermediate", "court-ji-an-intermediate",
                   "court-ji-04-intermediate", "court-shanghai-maritime"]
FOREIGN = [("country-gb", "court-england-and-wales", "GBP"), ("country-us", "court-united-states", "USD"),
           ("country-de", "court-aachen-local", "EUR"), ("country-ru", "court-udmurtia-commercial", "RUB"),
           ("country-nz", "court-new-zealand", "NZD")]
AWARD_SEATS = ["country-gb", "country-us", "country-de", "country-fr", "country-sg", "country-ch", "country-se"]
FJ_DOCS = ["doc-fj-application-letter", "doc-fj-judgment-copy", "doc-fj-proof-of-effectiveness",
           "doc-fj-chinese-translation", "doc-fj-notarisation-authentication"]
AWARD_DOCS = ["doc-award-application", "doc-award-notarised-copy", "doc-award-translation"]
ASSET_CLASSES = ["asset-bank-deposits", "asset-real-estate", "asset-vehicles", "asset-equity", "asset-securities",
                 "asset-receivables", "asset-ip-rights", "asset-vessels", "asset-listed-shares", "asset-land"]
CONDUCTS = ["WaiverOfClaims", "TransferWithoutConsideration", "TransferAtUndervalue", "ConcealmentOfAssets",
            "FailureToReportAssets", "RefusalDespiteAbility", "GuaranteeForOthers"]
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Shenyang", "Tianjin", "Hangzhou", "Chengdu"]
NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Orient", "Pacific", "Harbour", "Silk Road", "Pearl", "Jade",
         "Northern", "Eastern", "Golden", "Summit", "Crown", "Lotus"]
TRADES = ["Shipping", "Logistics", "Trading", "Materials", "Holdings", "Textiles", "Machinery", "Energy"]
KINDS = [("foreign-judgment", 30), ("ny-award", 20), ("hk-judgment", 10), ("hk-award", 10),
         ("mainland-judgment", 20), ("payment-order", 10)]


def _date(d: date) -> str:
    return f'"{d.isoformat()}"^^xsd:date'


def _company(rng: random.Random) -> str:
    return f"{rng.choice(NAMES)} {rng.choice(TRADES)} Co Ltd"


def matter(i: int, rng: random.Random) -> str:
    """The Turtle of matter number *i*."""
    mid = f"M-{i:06d}"
    m = f"case:{mid}"
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    defect = rng.random() < 0.125
    effective = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
    filed = effective + timedelta(days=rng.randrange(20, 900))
    out = []
    lines = [f"{m} a ekg:Matter ;", f'    ekg:matterId "{mid}" ;', f"    ekg:applicant {m}-applicant ;",
             f"    ekg:debtor {m}-debtor ;", f"    ekg:concernsInstrument {m}-instrument ;",
             f"    ekg:hasApplication {m}-application ;", f"    ekg:knownAsset {m}-asset ."]
    out.append("\n".join(lines))
    out.append(f'{m}-applicant a ekg:Company ; schema:name "{_company(rng)}" ; ekg:domicileInMainland false .')
    debtor = [f'{m}-debtor a ekg:Company ; schema:name "{_company(rng)}" ; ekg:domicileInMainland true',
              f"ekg:assetsInMainland true ; ekg:shareholderCount {rng.randrange(1, 6)}"]
    amount = f'"{rng.randrange(50, 50000) * 1000}.00"^^xsd:decimal'
    court = rng.choice(MAINLAND_COURTS)
    if defect and rng.random() < 0.25:
        court = rng.choice(FOREIGN)[1]  # filed with a foreign court: a violation
    app_lines = [f"{m}-application a ekg:{{app}} ;", f"    ekg:filedWith ekgid:{court} ;",
                 f"    ekg:filingDate {_date(filed if not (defect and rng.random() < 0.3) else effective - timedelta(days=10))}"]
    docs: list[str] = []
    if kind == "foreign-judgment":
        country, fcourt, currency = rng.choice(FOREIGN)
        if defect and rng.random() < 0.3:
            currency = "usd"  # bad currency code
        out.append(f"{m}-instrument a ekg:ForeignJudgment ; ekg:caseNumber \"[{effective.year}] FJ {i}\" ;"
                   f" ekg:issuedBy ekgid:{fcourt} ; ekg:countryOfOrigin ekgid:{country} ;"
                   f" ekg:dateRendered {_date(effective - timedelta(days=28))} ; ekg:dateEffective {_date(effective)} ;"
                   f" ekg:isFinal true ; ekg:renderedInDefault false ; ekg:amountAwarded {amount} ;"
                   f' ekg:amountCurrency "{currency}" ; ekg:commercialRelationship true .')
        app = "RecognitionApplication"
        app_lines.append("    ekg:claimedBasis ekgid:basis-reciprocity-judgments")
        docs = list(FJ_DOCS)
    elif kind in ("ny-award", "hk-award"):
        cls, seat, basis = (("ForeignArbitralAward", rng.choice(AWARD_SEATS), "basis-new-york-convention")
                            if kind == "ny-award" else ("HongKongArbitralAward", "region-hk", "basis-arrangement-hk-awards"))
        out.append(f"{m}-instrument a ekg:{cls} ; ekg:seat ekgid:{seat} ; ekg:dateEffective {_date(effective)} ;"
                   f" ekg:amountAwarded {amount} ; ekg:amountCurrency \"USD\" ; ekg:commercialRelationship true .")
        app = "RecognitionApplication"
        app_lines.append(f"    ekg:claimedBasis ekgid:{basis}")
        docs = list(AWARD_DOCS)
    elif kind == "hk-judgment":
        out.append(f"{m}-instrument a ekg:HongKongJudgment ; ekg:countryOfOrigin ekgid:region-hk ;"
                   f" ekg:dateEffective {_date(effective)} ; ekg:isFinal true ; ekg:renderedInDefault false ;"
                   f" ekg:amountAwarded {amount} ; ekg:amountCurrency \"HKD\" ; ekg:commercialRelationship true .")
        app = "RecognitionApplication"
        app_lines.append("    ekg:claimedBasis ekgid:basis-arrangement-hk-judgments")
        docs = ["doc-fj-application-letter", "doc-fj-judgment-copy", "doc-fj-proof-of-effectiveness"]
    elif kind == "mainland-judgment":
        out.append(f"{m}-instrument a ekg:MonetaryPaymentJudgment ; ekg:caseNumber \"({effective.year}) Min Chu {i}\" ;"
                   f" ekg:dateEffective {_date(effective)} ; ekg:amountAwarded {amount} ; ekg:amountCurrency \"CNY\" .")
        app = "EnforcementApplication"
        conduct = rng.choice(CONDUCTS)
        act = effective + timedelta(days=rng.randrange(10, 400))
        debtor.append(f"ekg:hasConduct {m}-conduct")
        out.append(f"{m}-conduct a ekg:{conduct} ; ekg:conductDate {_date(act)} ;"
                   f" ekg:discoveryDate {_date(act + timedelta(days=rng.randrange(5, 200)))} .")
    else:  # payment order
        served = effective - timedelta(days=rng.randrange(20, 60))
        out.append(f"{m}-instrument a ekg:PaymentOrder ; ekg:instrumentServiceDate {_date(served)} ;"
                   f" ekg:dateEffective {_date(effective)} ; ekg:amountAwarded {amount} ; ekg:amountCurrency \"CNY\" .")
        app = "EnforcementApplication"
    if docs:
        if defect and rng.random() < 0.5:
            docs.pop(rng.randrange(len(docs)))  # a missing document
        app_lines.append("    ekg:suppliedDocument " + " , ".join(f"ekgid:{d}" for d in docs))
    app_lines[0] = app_lines[0].format(app=app)
    out.append(" ;\n".join(app_lines) + " .")
    out.append(" ;\n    ".join(debtor) + " .")
    out.append(f"{m}-asset a ekg:Asset ; ekg:assetClass ekgid:{rng.choice(ASSET_CLASSES)} ;"
               f' ekg:assetValue "{rng.randrange(10, 90000) * 100}.00"^^xsd:decimal ; ekg:assetLocation "{rng.choice(CITIES)}" .')
    return "\n".join(out) + "\n\n"


def generate(n: int, seed: int = 7) -> str:
    """Turtle for *n* matters."""
    rng = random.Random(seed)
    return PREFIXES + "".join(matter(i, rng) for i in range(1, n + 1))


def write(n: int, path: Path, seed: int = 7) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate(n, seed), encoding="utf-8")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of matters")
    parser.add_argument("-o", "--output", help="write to this file (default: standard output)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.output:
        write(args.n, Path(args.output), args.seed)
    else:
        sys.stdout.write(generate(args.n, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
