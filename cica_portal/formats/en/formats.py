"""One date and one date-and-time format in English, in pages and emails alike (issue 20.9).

The short names are the same formats: a page never mixes "12/02/2026 3:46 a.m." and
"Dec. 2, 2026". Input formats are Django's own (ISO dates are always accepted)."""

DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"  # 2 December 2026, 15:46
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
