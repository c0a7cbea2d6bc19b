"""Одна форма даты и одна форма даты и времени по-русски, на страницах и в письмах (issue 20.9).

The short names are the same formats; input formats are Django's own."""

DATE_FORMAT = "j E Y г."  # 2 декабря 2026 г.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"  # 2 декабря 2026 г., 15:46
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
