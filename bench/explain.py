"""EXPLAIN (ANALYZE, BUFFERS) of the key list queries, as the pages run them (for
docs/PERFORMANCE.md). Usage: DATABASE_URL=... bench/explain.py [name ...]."""

import sys

import _django  # noqa: F401
from django.db import connection

from cica_portal.approvals import inbox_for
from cica_portal.models import User
from cica_portal.pagination import _older_than
from exchange.selectors import rows_for_page, shares_for_list


def queries() -> dict:
    fp = User.objects.get(username="fp-kz")
    approver = User.objects.get(username="approver-kz")
    received = rows_for_page(shares_for_list(fp, box="received"))
    mine = rows_for_page(shares_for_list(fp))
    everything = rows_for_page(shares_for_list(approver))
    asked = rows_for_page(shares_for_list(approver, box="asked"))
    position = received.values_list("updated_at", "pk")[7499:7500][0]
    older = received.filter(_older_than(*position)).order_by("-updated_at", "-pk")
    return {
        "received, page 1": received[:26],
        "received, page 301 (cursor)": older[:26],
        "received, the page's count (up to 201)": received[:201],
        "received, count": shares_for_list(fp, box="received"),
        "all my shares (focal point), page 1": mine[:26],
        "all my shares (focal point), count": shares_for_list(fp),
        "everything (approver), page 1": everything[:26],
        "everything (approver), count": shares_for_list(approver),
        "asked of my state (approver), page 1": asked[:26],
        "received, offset 7,475 (?page=300)": received[7475:7501],
        "approver's inbox, page 1": inbox_for(approver).values_list("pk", flat=True)[:25],
        "approver's inbox, count": inbox_for(approver),
    }


def main() -> None:
    wanted = set(sys.argv[1:])
    for name, queryset in queries().items():
        if wanted and name not in wanted:
            continue
        if name.endswith("(up to 201)"):
            sql, params = queryset.values("pk").query.sql_with_params()
            sql = f"SELECT count(*) FROM ({sql}) counted"  # noqa: S608 (Django's own SQL)
        elif name.endswith("count"):
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
            sql = f"SELECT count(*) FROM ({sql}) counted"  # noqa: S608 (Django's own SQL)
        else:
            sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"### {name}\n\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
