"""The bureau's CSV export: its scope, its period, and never the filer's identity or words."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.complaints.conftest import at
from tests.factories import logged_in


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the UTF-8 only with the byte-order mark
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_export_lists_the_scope_in_the_period_without_identity(world, file):
    mine, _ = file(received=at(2026, 3, 2), subject="过期药品", description="我叫张三，住在湘桥区某街道",
                   product_name="阿莫西林胶囊", batch_number="A250101")
    file("report", received=at(2026, 5, 6), subject="无证经营", name="李四", phone="13900000000")
    file(enterprise="rp_pharmacy", received=at(2026, 3, 3))  # Raoping: not Xiangqiao's

    response = logged_in(world.users["xq_officer"]).get(reverse("complaints:export"))

    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="complaints.csv"'
    rows = rows_of(response)
    assert rows[0]["Tracking number"] == mine.tracking_number and len(rows) == 2
    first = rows[0]
    assert (first["Kind"], first["Subject"], first["Product"], first["Batch"], first["Date of receipt"],
            first["Enterprise"], first["Jurisdiction code"]) == (
        "Complaint", "过期药品", "阿莫西林胶囊", "A250101", "2026-03-02", "湘桥康宁大药房", "445102")
    text = response.content.decode()
    for personal in ("张三", "13800000000", "zhang@example.com", "李四", "13900000000", "住在"):
        assert personal not in text


def test_the_period_and_kind_narrow_the_export(world, file):
    file(received=at(2026, 3, 2))
    report, _ = file("report", received=at(2026, 5, 6))
    file("report", received=at(2026, 7, 1))

    response = logged_in(world.users["city_officer"]).get(
        reverse("complaints:export"), {"received_from": "2026-04-01", "received_to": "2026-06-30", "kind": "report"})

    assert [r["Tracking number"] for r in rows_of(response)] == [report.tracking_number]
    assert response["Content-Disposition"] == 'attachment; filename="complaints-20260401-20260630.csv"'


def test_a_bad_period_is_refused_naming_the_field(world):
    page = logged_in(world.users["xq_officer"])
    response = page.get(reverse("complaints:export"), {"received_from": "2026-05-01", "received_to": "2026-04-01"})
    assert response.status_code == 400 and "received_to" in response.content.decode()
    assert page.get(reverse("complaints:export"), {"received_from": "May"}).status_code == 400


def test_enterprise_users_get_no_export(world, file):
    file()
    assert logged_in(world.users["xq_enterprise_user"]).get(reverse("complaints:export")).status_code == 404
    assert Client().get(reverse("complaints:export")).status_code == 302  # to the login page
