"""Traceability pages: upload with its per-line report, reconciliation from the web, discrepancies, recalls,
the public verification page, the KPI panel."""

import pytest
from django.test import Client
from django.urls import reverse

from regulator.celery import app as celery_app
from tests.factories import logged_in
from tests.traceability.conftest import pack
from traceability import services
from traceability.models import Discrepancy, IngestJob, ReconciliationRun


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


def test_an_enterprise_uploads_a_csv_and_sees_each_bad_line(chain, eager, tmp_path, settings,
                                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    csv = ("code,kind,time,party,counterparty\n"
           f"{pack(1)},receiving,{chain.at(2)},,{chain.wholesaler.credit_code}\n"
           f"{pack(2)}9,receiving,{chain.at(2)},,{chain.wholesaler.credit_code}\n"
           f"{pack(3)},dispensing,{chain.at(2)},{chain.maker.credit_code},\n")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(chain.world.users["xq_enterprise_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("traceability:upload"),
                               {"file": SimpleUploadedFile("events.csv", csv.encode(), "text/csv")})
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("traceability:job", args=[job.pk])
    assert (job.status, job.received, job.accepted, job.rejected) == ("done", 3, 1, 2)
    page = client.get(response.url).content.decode()
    assert 'data-line="3"' in page and 'data-line="4"' in page and "only for your own enterprise" in page
    assert client.get(reverse("traceability:job-progress", args=[job.pk])).json() == {"percent": 100,
                                                                                      "status": "done"}
    other = logged_in(chain.world.users["rp_officer"])
    assert other.get(reverse("traceability:job", args=[job.pk])).status_code == 404


def test_staff_cannot_upload(chain, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = logged_in(chain.world.users["xq_officer"]).post(
        reverse("traceability:upload"), {"file": SimpleUploadedFile("e.csv", b"code,kind\n", "text/csv")})
    assert response.status_code == 403


def test_staff_run_reconciliation_from_the_web_and_open_a_discrepancy(chain, eager,
                                                                      django_capture_on_commit_callbacks):
    chain.ingest(chain.record(pack(1), "commissioning", 9, chain.maker),
                 chain.record(pack(1), "commissioning", 8, chain.maker))
    client = logged_in(chain.world.users["city_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("traceability:reconcile"))
    run = ReconciliationRun.objects.get()
    assert response.url == reverse("traceability:run", args=[run.pk])
    assert client.get(response.url).status_code == 200 and run.jurisdiction.code == "445100"
    discrepancy = Discrepancy.objects.get()
    overview = client.get(reverse("traceability:overview")).content.decode()
    assert reverse("traceability:discrepancy", args=[discrepancy.pk]) in overview
    page = client.post(reverse("traceability:discrepancy", args=[discrepancy.pk]), {"status": "explained",
                                                                                    "note": "double scan"})
    assert page.status_code == 302
    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.note) == ("explained", "double scan")
    assert logged_in(chain.world.users["rp_officer"]).get(
        reverse("traceability:discrepancy", args=[discrepancy.pk])).status_code == 404


def test_the_public_verifies_a_code_and_a_digital_link_without_login(chain):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "dispensing", 1, chain.pharmacy))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("traceability:verify"), {"code": pack(1)}).content.decode()
    assert 'data-verdict="dispensed"' in page and "阿莫西林胶囊" in page
    assert chain.pharmacy.name not in page and chain.wholesaler.name not in page
    unknown = client.get(reverse("traceability:verify"), {"code": pack(2)}).content.decode()
    assert 'data-verdict="unknown"' in unknown
    invalid = client.get(reverse("traceability:verify"), {"code": "01234"}).content.decode()
    assert 'data-verdict="invalid"' in invalid
    link = client.get("/01/09501101530003/21/S1?17=270131")
    assert link.status_code == 200 and 'data-verdict="unknown"' in link.content.decode()


def test_the_recall_page_shows_holders(chain):
    chain.ingest(*chain.journey(pack(1)))
    officer = chain.world.users["city_officer"]
    recall = services.start_recall(services.propose_recall(chain.batch, reason="x"), actor=officer)
    page = logged_in(officer).get(reverse("traceability:recall", args=[recall.pk])).content.decode()
    assert chain.pharmacy.name in page
    assert logged_in(chain.world.users["rp_officer"]).get(
        reverse("traceability:recall", args=[recall.pk])).status_code == 404


def test_the_start_page_shows_the_traceability_rate_against_the_targets(chain, vaccine):
    chain.ingest(*chain.journey(pack(1)), chain.record(pack(1), "dispensing", 1, chain.pharmacy),
                 chain.record(pack(2), "receiving", 2, chain.pharmacy, counterparty=chain.wholesaler),
                 chain.record(pack(2), "dispensing", 1, chain.pharmacy))
    rates = {r["kind"]: r for r in services.traceability_rates([chain.pharmacy.jurisdiction_id])}
    assert (rates["drug"]["total"], rates["drug"]["traced"], rates["drug"]["rate"]) == (2, 1, 50.0)
    assert rates["drug"]["target"] == 90 and not rates["drug"]["met"] and rates["vaccine"]["rate"] is None
    page = logged_in(chain.world.users["city_officer"]).get(reverse("start")).content.decode()
    assert 'id="panel-traceability-kpi"' in page and "50.0%" in page
