"""The reports' pages: every report for a scope, one report as CSV, the rows behind a number."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core import clock
from core.csv_export import csv_response

from .report_measures import MEASURES, BadBucket, cell_rows
from .report_scope import CUSTOM, scope_from
from .reports import BY_KEY, REPORTS

ROWS_PER_PAGE = 50


def _refused(request: HttpRequest, form, problem: str = "") -> HttpResponse:
    """The page with the filter bar and what is wrong with the request, as a 400."""
    context = {"form": form, "problem": problem, "custom": CUSTOM, "reports": []}
    return render(request, "insights/reports.html", context, status=400)


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    """Every report for the chosen period, owner, plan and segment: a chart, linked numbers."""
    scope, form = scope_from(request.GET, clock.now(), request.user)
    if scope is None:
        return _refused(request, form)
    reports = []
    for report in REPORTS:
        table = report.table(scope)
        reports.append(
            {
                "report": report,
                "table": table,
                "cells": table.cells(),
                "chart": report.chart(table),
                "element_id": f"chart-{report.key}",
            }
        )
    context = {
        "form": form,
        "scope": scope,
        "custom": CUSTOM,
        "reports": reports,
        "query": urlencode(scope.query()),
    }
    return render(request, "insights/reports.html", context)


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def report_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One report's numbers as CSV for the same period, owner and plan as the page."""
    report = BY_KEY.get(key)
    if report is None:
        raise Http404
    scope, form = scope_from(request.GET, clock.now(), request.user)
    if scope is None:
        return _refused(request, form)
    table = report.table(scope)
    return csv_response(filename=f"{key}.csv", header=table.columns, rows=table.rows)


@login_required
@permission_required(["activity.view_payment", "accounts.view_account"], raise_exception=True)
def report_rows(request: HttpRequest, measure: str) -> HttpResponse:
    """The rows behind one number of a report, each with its account; their count is the number."""
    found = MEASURES.get(measure)
    if found is None:
        raise Http404("No such report number.")
    scope, form = scope_from(request.GET, clock.now(), request.user)
    if scope is None:
        return _refused(request, form)
    try:
        rows, labels = cell_rows(found, request.GET, scope)
    except BadBucket as problem:
        return _refused(request, form, str(problem))
    rows = rows.select_related("account", "account__owner", *found.related).order_by(
        f"-{found.date_field}", "-pk"
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "measure": found,
        "scope": scope,
        "labels": labels,
        "page": page,
        "items": [(row, getattr(row, found.date_field), found.detail(row)) for row in page],
        "query": query.urlencode(),
        "back": urlencode(scope.query()),
    }
    return render(request, "insights/report_rows.html", context)
