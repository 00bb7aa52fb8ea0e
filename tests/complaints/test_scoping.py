"""Row-level security behind the complaints tables, and list query counts that do not grow with rows."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, FilerIdentity, Message
from regulator.tenancy import rls_scope


def test_a_query_that_forgets_the_scope_still_returns_only_scoped_filings_and_identities(world, file):
    mine, _code = file()
    file(enterprise="rp_pharmacy")

    with transaction.atomic(), rls_scope(world.users["xq_officer"]):
        complaints = set(Complaint.objects.values_list("pk", flat=True))  # no visible_to()
        identities = set(FilerIdentity.objects.values_list("complaint_id", flat=True))

    assert complaints == {mine.pk} and identities == {mine.pk}


def test_an_enterprise_user_sees_no_filing_about_its_enterprise(world, file):
    file()

    assert not Complaint.objects.visible_to(world.users["xq_enterprise_user"]).exists()
    assert not Message.objects.visible_to(world.users["xq_enterprise_user"]).exists()


def test_the_list_endpoint_runs_a_fixed_number_of_queries(world, api_as, file):
    client = api_as("city_client")
    file()
    client.get("/api/v1/complaints/")  # warm per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/complaints/").status_code == 200
    for name in ("xq_wholesaler", "ca_maker", "rp_pharmacy", "rp_devices"):
        file(enterprise=name)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/complaints/").status_code == 200

    assert len(many) == len(few)
