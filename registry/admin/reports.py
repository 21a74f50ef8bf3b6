"""Staff reports at /staff/reports/: charts drawn as inline SVG, each with its CSV download."""

import csv

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .. import reports
from ..formats import neutralize_formula

CHART_WIDTH, BAR_HEIGHT, LINE_HEIGHT = 640, 22, 160


def bars(report: reports.Report, value_columns: tuple[int, ...], *, label_column: int = 0) -> dict:
    """Horizontal bars (one group per row, one bar per value column), scaled to the largest value."""
    peak = max((row[column] for row in report.rows for column in value_columns), default=0) or 1
    groups = []
    for index, row in enumerate(report.rows):
        top = index * (BAR_HEIGHT * len(value_columns) + 10)
        groups.append(
            {
                "label": str(row[label_column]),
                "y": top,
                "bars": [
                    {
                        "name": report.headers[column],
                        "value": row[column],
                        "y": top + n * BAR_HEIGHT,
                        "width": round((CHART_WIDTH - 260) * row[column] / peak, 1),
                        "tone": n,
                    }
                    for n, column in enumerate(value_columns)
                ],
            }
        )
    height = len(report.rows) * (BAR_HEIGHT * len(value_columns) + 10)
    return {
        "groups": groups,
        "height": height,
        "width": CHART_WIDTH,
        "legend": [report.headers[c] for c in value_columns],
    }


def line(report: reports.Report) -> dict:
    """A line through (day, count) points, with the peak labelled."""
    values = [row[1] for row in report.rows]
    peak = max(values, default=0) or 1
    step = (CHART_WIDTH - 40) / max(len(values) - 1, 1)
    points = [
        (round(20 + i * step, 1), round(LINE_HEIGHT - 20 - (LINE_HEIGHT - 40) * v / peak, 1))
        for i, v in enumerate(values)
    ]
    return {
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": [
            {"x": x, "y": y, "value": v, "day": row[0]}
            for (x, y), v, row in zip(points, values, report.rows, strict=True)
        ],
        "width": CHART_WIDTH,
        "height": LINE_HEIGHT,
        "peak": max(values, default=0),
        "total": sum(values),
        "first": report.rows[0][0] if report.rows else None,
        "last": report.rows[-1][0] if report.rows else None,
    }


def dashboard(request):
    user, now = request.user, timezone.now()
    check_in = reports.check_in_progress(user, now=now)
    per_day = reports.registrations_per_day(user, now=now)
    attendance = reports.attendance_by_event(user, now=now)
    certificates = reports.certificates_by_event(user)
    credits = reports.credits_by_category(user)
    context = {
        **admin.site.each_context(request),
        "title": "Reports",
        "sections": [
            {"slug": "check-in", "report": check_in, "chart": bars(check_in, (2, 3))},
            {"slug": "registrations", "report": per_day, "line": line(per_day)},
            {"slug": "attendance", "report": attendance, "chart": bars(attendance, (2, 3, 4))},
            {"slug": "certificates", "report": certificates, "chart": bars(certificates, (1,))},
            {"slug": "credits", "report": credits, "chart": bars(credits, tuple(range(1, len(credits.headers))))},
        ],
    }
    return TemplateResponse(request, "registry/reports/dashboard.html", context)


def report_csv(request, slug: str):
    if slug not in reports.REPORTS:
        raise Http404("No such report.")
    report = reports.REPORTS[slug](request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(report.headers)
    writer.writerows([neutralize_formula(cell) for cell in row] for row in report.rows)
    return response


urlpatterns = [
    path("", admin.site.admin_view(dashboard), name="staff_reports"),
    path("<slug:slug>.csv", admin.site.admin_view(report_csv), name="staff_report_csv"),
]
