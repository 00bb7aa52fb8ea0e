"""The applicant edits a saved draft on the web before submitting it."""

from django.urls import reverse

from licensing import services
from tests.licensing.conftest import draft


def test_the_applicant_edits_a_draft_and_the_change_is_kept(world, lic, client):
    application = draft(world)
    client.force_login(world.users["xq_enterprise_user"])
    url = reverse("licensing:draft-edit", args=[application.pk])

    page = client.get(url)
    saved = client.post(url, {"business_scope": "中成药", "address": "湘桥区新址路9号",
                              "legal_representative": "林一", "responsible_pharmacist": "陈二"})

    assert page.status_code == 200 and "化学药制剂" in page.content.decode()
    assert saved.status_code == 302
    application.refresh_from_db()
    assert (application.business_scope, application.address) == ("中成药", "湘桥区新址路9号")


def test_a_submitted_application_can_no_longer_be_edited(world, lic, client):
    application = draft(world)
    services.submit(application, actor=world.users["xq_enterprise_user"])
    client.force_login(world.users["xq_enterprise_user"])

    response = client.post(reverse("licensing:draft-edit", args=[application.pk]), {"business_scope": "改了"})

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.business_scope != "改了"


def test_staff_cannot_edit_an_applicants_draft_and_others_see_404(world, lic, client):
    application = draft(world)
    url = reverse("licensing:draft-edit", args=[application.pk])

    client.force_login(world.users["xq_officer"])
    assert client.post(url, {"business_scope": "x"}).status_code in (400, 403)
    client.force_login(world.users["rp_officer"])
    assert client.get(url).status_code == 404
