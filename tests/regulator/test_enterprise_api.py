"""Writing to the register through the API: services decide, bad input is named, nothing half-written."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regulator.models import Enterprise, Event
from regulator.validators import USCC_ALPHABET, with_check_character
from tests import factories

VALID = {"name": "湘桥新开大药房", "enterprise_type": "pharmacy", "address": "湘桥区新桥路1号"}


def post(client, body, **extra):
    return client.post("/api/v1/enterprises/", data=json.dumps(body), content_type="application/json", **extra)


def test_a_county_officer_registers_an_enterprise_in_their_county(world, api_as):
    code = factories.credit_code("445102", 9000001)

    response = post(api_as("xq_officer"), {**VALID, "credit_code": code})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["credit_code"], body["jurisdiction"]) == (code, "445102")
    assert Event.objects.filter(kind="enterprise.registered", subject_id=str(body["id"])).exists()


def test_the_owning_jurisdiction_cannot_be_forced_outside_the_callers_scope(world, api_as):
    response = post(api_as("xq_officer"), {**VALID, "credit_code": factories.credit_code("445122"),
                                           "jurisdiction": "445122"})

    assert response.status_code == 400
    assert "outside your jurisdiction" in response.json()["error"]["fields"]["jurisdiction"][0]


def test_errors_speak_chinese_unless_english_is_asked_for(world, api_as):
    body = {**VALID, "credit_code": factories.credit_code("445122"), "jurisdiction": "445122"}

    chinese = post(api_as("xq_officer", language="zh-hans"), body).json()["error"]["fields"]["jurisdiction"][0]
    english = post(api_as("xq_officer"), body).json()["error"]["fields"]["jurisdiction"][0]

    assert "辖区" in chinese and "outside your jurisdiction" in english


def test_the_city_must_say_which_county_and_may_choose_any_of_its_own(world, api_as):
    client = api_as("city_client")
    missing = post(client, {**VALID, "credit_code": factories.credit_code("445103")})
    ok = post(client, {**VALID, "credit_code": factories.credit_code("445103"), "jurisdiction": "445103"})

    assert missing.status_code == 400 and "jurisdiction" in missing.json()["error"]["fields"]
    assert ok.status_code == 201 and ok.json()["jurisdiction"] == "445103"


@pytest.mark.parametrize(("code", "rule"), [
    ("91445102MA00000011", "check character"),
    ("91445102MA0000001", "18 characters"),
    ("91445102MA000000IO", "not allowed"),
    ("91ABCDEFMA00000011", "division"),
])
def test_a_wrong_credit_code_gets_a_field_error_that_says_why(world, api_as, code, rule):
    before = Enterprise.objects.count()

    response = post(api_as("xq_officer"), {**VALID, "credit_code": code})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and rule in error["fields"]["credit_code"][0]
    assert Enterprise.objects.count() == before


def test_unknown_jurisdiction_wrong_types_and_duplicates_are_400s(world, api_as):
    client = api_as("city_client")
    code = world.enterprises["xq_pharmacy"].credit_code

    unknown = post(client, {**VALID, "credit_code": factories.credit_code("445102"), "jurisdiction": "999999"})
    wrong_type = post(client, {**VALID, "credit_code": 42, "enterprise_type": "spaceport", "jurisdiction": "445102"})
    duplicate = post(client, {**VALID, "credit_code": code, "jurisdiction": "445102"})

    assert "No current jurisdiction" in unknown.json()["error"]["fields"]["jurisdiction"][0]
    assert set(wrong_type.json()["error"]["fields"]) >= {"enterprise_type"}
    assert "already registered" in duplicate.json()["error"]["fields"]["credit_code"][0]


def test_malformed_json_and_oversize_bodies_get_the_error_shape(world, api_as, settings):
    client = api_as("xq_officer")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096

    malformed = client.post("/api/v1/enterprises/", data="{not json", content_type="application/json")
    oversize = post(client, {**VALID, "credit_code": "x", "address": "长" * 5000})

    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "parse_error"
    assert oversize.status_code == 413 and oversize.json()["error"]["code"] == "too_large"


def test_roles_and_scopes_limit_who_writes(world, api_as):
    body = {**VALID, "credit_code": factories.credit_code("445102"), "jurisdiction": "445102"}

    assert post(api_as("xq_reviewer"), body).status_code == 403
    assert post(api_as("xq_client"), body).status_code == 403  # read scope only
    assert post(api_as("xq_enterprise_user"), body).status_code == 403
    assert post(api_as(None), body).status_code in (401, 403)
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_a_revoked_client_is_refused(world, api_as):
    from regulator import services

    client = api_as("xq_client")
    services.revoke_api_client(world.users["xq_client"].api_client)

    assert client.get("/api/v1/enterprises/").status_code == 401


def test_an_update_is_audited_with_the_acting_user_and_visible_in_history(world, api_as):
    client = api_as("rp_officer")
    enterprise = world.enterprises["rp_pharmacy"]

    response = client.patch(f"/api/v1/enterprises/{enterprise.pk}/", data={"address": "饶平县黄冈镇新址8号"},
                            content_type="application/json")
    history = client.get(f"/api/v1/enterprises/{enterprise.pk}/history/").json()

    assert response.status_code == 200 and response.json()["address"] == "饶平县黄冈镇新址8号"
    update = next(row for row in history if row["action"] == "update")
    assert update["changes"]["address"]["to"] == "饶平县黄冈镇新址8号"
    assert update["actor"] == world.users["rp_officer"].full_name
    assert update["via"] == f"/api/v1/enterprises/{enterprise.pk}/"


def test_a_machine_clients_change_is_attributed_to_the_client(world, api_as):
    enterprise = world.enterprises["ca_maker"]

    api_as("city_client").patch(f"/api/v1/enterprises/{enterprise.pk}/", data={"status": "suspended"},
                                content_type="application/json")
    history = api_as("city_officer").get(f"/api/v1/enterprises/{enterprise.pk}/history/").json()

    assert history[0]["actor"] == "city_client" and history[0]["actor_kind"] == "machine"


def test_history_of_an_out_of_scope_record_is_404(world, api_as):
    enterprise = world.enterprises["ca_maker"]

    assert api_as("xq_officer").get(f"/api/v1/enterprises/{enterprise.pk}/history/").status_code == 404


def test_products_require_a_well_formed_approval_number_and_a_fitting_holder(world, api_as):
    client = api_as("city_officer")
    maker = world.enterprises["ca_maker"].credit_code
    pharmacy = world.enterprises["xq_pharmacy"].credit_code

    def create(**body):
        return client.post("/api/v1/products/", data={"kind": "drug", "name": "布洛芬片", **body},
                           content_type="application/json")

    bad_number = create(enterprise=maker, approval_number="国药准字X1234")
    bad_holder = create(enterprise=pharmacy, approval_number="国药准字H44021234")
    ok = create(enterprise=maker, approval_number="国药准字H44021234")

    assert "国药准字" in bad_number.json()["error"]["fields"]["approval_number"][0]
    assert "enterprise" in bad_holder.json()["error"]["fields"]
    assert ok.status_code == 201 and ok.json()["jurisdiction"] == "445103"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9), st.sampled_from(["445102", "445103", "445122"]))
def test_a_completed_code_always_validates_and_any_other_check_character_fails(org, division):
    from django.core.exceptions import ValidationError

    from regulator.validators import validate_credit_code

    code = with_check_character(f"91{division}{org}")
    validate_credit_code(code)
    for wrong in USCC_ALPHABET.replace(code[-1], ""):
        with pytest.raises(ValidationError):
            validate_credit_code(code[:-1] + wrong)
