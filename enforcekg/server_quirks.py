"""Undoing what particular SPARQL servers do to values, so that their answers match the embedded engine's.

Virtuoso 7.2 stores an ``xsd:duration`` as a number — whole months when the number is an integer,
seconds otherwise (``P1Y4M`` comes back as ``16``, ``P15D`` as ``1.296e+06``);
:func:`iso_duration` gives the canonical ISO 8601 form back.
"""

from __future__ import annotations

import re
from decimal import Decimal

XSD = "http://www.w3.org/2001/XMLSchema#"
DURATION_TYPES = frozenset({XSD + "duration", XSD + "dayTimeDuration", XSD + "yearMonthDuration"})
_NUMBER = re.compile(r"-?[0-9.]+(e[+-]?[0-9]+)?")


def iso_duration(value: str) -> str:
    """The ISO 8601 form of a duration a server returned as a number; other values unchanged."""
    if value.startswith(("P", "-P")) or not _NUMBER.fullmatch(value):
        return value
    number = Decimal(value)
    sign, number = ("-" if number < 0 else ""), abs(number)
    if re.fullmatch(r"-?[0-9]+", value):  # whole months
        years, months = divmod(int(number), 12)
        text = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
        return f"{sign}P{text}" if number else "PT0S"
    days, rest = divmod(number, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{int(v)}{unit}" for v, unit in ((hours, "H"), (minutes, "M")) if v)
    clock += f"{seconds.normalize():f}S" if seconds else ""
    text = (f"{int(days)}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"
