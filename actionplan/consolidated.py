"""Reads of the consolidated review: what the year's submitted reports say, item by item.

Only SUBMITTED reports count: a draft the state has not sent, or a report returned to it for
correction, is no report yet (it counts again once submitted). The figures are those the
states reported for that year, never today's status of the plan, so last year's review reads
the same next year. A fixed number of queries whatever the number of reports or years.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cica_portal.models import Area

from . import selectors
from .models import ImplementationReport, PlanItem, ReportEntry, ReviewCycle

SUBMITTED = ImplementationReport.Status.SUBMITTED
YEARS_COMPARED = 5  # this year and the four before it


def progress_percent(counts: Counter) -> int:
    """How far the reported entries are (completed counts fully, in progress half)."""
    total = sum(counts.values())
    if not total:
        return 0
    done = counts["completed"] * 2 + counts["in_progress"]
    return round(done * 50 / total)


def step5(value: int) -> int:
    """Round a percentage to the CSS width classes (w-0 … w-100, steps of 5)."""
    return max(0, min(100, int(5 * round(value / 5))))


@dataclass
class YearFigure:
    year: int
    counts: Counter
    reports: int = 0

    @property
    def percent(self) -> int:
        return progress_percent(self.counts)

    @property
    def width(self) -> int:
        return step5(self.percent)

    @property
    def entries(self) -> int:
        return sum(self.counts.values())


@dataclass
class ItemBlock:
    item: PlanItem
    counts: Counter
    entries: list[ReportEntry]  # of the submitted reports, by state name
    history: list[YearFigure]  # oldest first, this year last

    @property
    def percent(self) -> int:
        return progress_percent(self.counts)

    @property
    def width(self) -> int:
        return step5(self.percent)

    @property
    def written(self) -> list[ReportEntry]:
        """The entries in which a state wrote something."""
        return [entry for entry in self.entries if entry.narrative.strip()]


@dataclass
class AreaBlock:
    area: Area
    items: list[ItemBlock] = field(default_factory=list)
    history: list[YearFigure] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        total: Counter = Counter()
        for block in self.items:
            total.update(block.counts)
        return total

    @property
    def percent(self) -> int:
        return progress_percent(self.counts)

    @property
    def width(self) -> int:
        return step5(self.percent)


def compared_years(cycle: ReviewCycle) -> dict[int, int]:
    """This cycle's year and the previous cycles' years (oldest first), up to five, each with
    its number of submitted reports: one query."""
    years = (
        ReviewCycle.objects.filter(year__lte=cycle.year)
        .annotate(n=Count("reports", filter=Q(reports__status=SUBMITTED)))
        .order_by("-year")
        .values_list("year", "n")[:YEARS_COMPARED]
    )
    return dict(sorted(years))


def _year_counts(years: list[int]) -> tuple[dict, dict]:
    """Per (year, item) and per (year, area) the submitted entries' progress: one query."""
    by_item: dict[tuple[int, int], Counter] = defaultdict(Counter)
    by_area: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in (
        ReportEntry.objects.filter(report__status=SUBMITTED, report__cycle__year__in=years)
        .values("report__cycle__year", "item_id", "item__area_id", "progress")
        .annotate(n=Count("pk"))
    ):
        year = row["report__cycle__year"]
        by_item[year, row["item_id"]][row["progress"]] += row["n"]
        by_area[year, row["item__area_id"]][row["progress"]] += row["n"]
    return by_item, by_area


def submitted_entries(cycle: ReviewCycle) -> list[ReportEntry]:
    """Every entry of the cycle's submitted reports, with its state and item, in one query."""
    return list(
        ReportEntry.objects.filter(report__cycle=cycle, report__status=SUBMITTED)
        .select_related("report__state", "item__area")
        .order_by("item__area__number", "item__kind", "item__number", "report__state__name_en")
    )


def consolidated(cycle: ReviewCycle) -> dict:
    """The consolidated review's body: per area and item what each state wrote, that year's
    figures, the previous years' figures for comparison, and the totals per year."""
    reports = compared_years(cycle)
    years = list(reports)
    by_item, by_area = _year_counts(years)
    entries = submitted_entries(cycle)
    entries_by_item: dict[int, list[ReportEntry]] = defaultdict(list)
    for entry in entries:
        entries_by_item[entry.item_id].append(entry)
    blocks = []
    for area in selectors.plan_areas():
        items = list(area.plan)  # type: ignore[attr-defined]  # set by Prefetch(to_attr="plan")
        known = {item.pk for item in items}
        # An item someone reported on that is no longer in the plan still shows its words.
        items += [
            entries_by_item[pk][0].item
            for pk in entries_by_item
            if pk not in known and entries_by_item[pk][0].item.area_id == area.pk
        ]
        block = AreaBlock(
            area=area,
            history=[YearFigure(y, by_area.get((y, area.pk), Counter())) for y in years],
        )
        for item in items:
            block.items.append(
                ItemBlock(
                    item=item,
                    counts=by_item.get((cycle.year, item.pk), Counter()),
                    entries=entries_by_item.get(item.pk, []),
                    history=[YearFigure(y, by_item.get((y, item.pk), Counter())) for y in years],
                )
            )
        blocks.append(block)
    totals = []
    for year in years:
        counts: Counter = Counter()
        for (y, _area), area_counts in by_area.items():
            if y == year:
                counts.update(area_counts)
        totals.append(YearFigure(year, counts, reports.get(year, 0)))
    return {"blocks": blocks, "years": years, "totals": totals, "entries": entries}


def review_content(cycle: ReviewCycle, entries: list[ReportEntry] | None = None) -> dict:
    """The consolidated text exactly as the SOC adopts it: the Secretariat's and the SWG's
    words and every submitted report's entries (its hash is what an adoption covers)."""
    if entries is None:
        entries = submitted_entries(cycle)
    reports: dict[str, list] = defaultdict(list)
    for entry in entries:
        reports[entry.report.state.code].append([entry.item.label, entry.progress, entry.narrative])
    return {
        "year": cycle.year,
        "summary": cycle.summary,
        "conclusions": cycle.conclusions,
        "swg_conclusions": cycle.swg_conclusions,
        "reports": {code: sorted(rows) for code, rows in sorted(reports.items())},
    }
