from regulator.api.errors import _first_problem, _flatten


def test_the_message_names_the_first_problem_however_nested():
    assert _first_problem(_flatten({"roles": {1: ["bad item"]}, "x": ["y"]})) == ("roles.1", "bad item")
    assert _first_problem(_flatten({"items": [{"code": ["wrong"]}]})) == ("items.code", "wrong")
    assert _first_problem(_flatten({"name": ["required"]})) == ("name", "required")


def test_a_query_parameter_sent_twice_is_a_400_naming_it(api_as):
    from django.utils import translation

    with translation.override("en"):
        twice = api_as("city_client").get("/api/v1/enterprises/?search=康宁&search=湘桥&page_size=5",
                                          HTTP_ACCEPT_LANGUAGE="en")
    once = api_as("city_client").get("/api/v1/enterprises/?search=康宁&page_size=5")

    assert twice.status_code == 400
    error = twice.json()["error"]
    assert error["fields"] == {"search": ["Give this parameter once; it was given 2 times."]}
    assert error["message"].startswith("search: ")
    assert once.status_code == 200
