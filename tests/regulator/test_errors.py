from regulator.api.errors import _first_problem, _flatten


def test_the_message_names_the_first_problem_however_nested():
    assert _first_problem(_flatten({"roles": {1: ["bad item"]}, "x": ["y"]})) == ("roles.1", "bad item")
    assert _first_problem(_flatten({"items": [{"code": ["wrong"]}]})) == ("items.code", "wrong")
    assert _first_problem(_flatten({"name": ["required"]})) == ("name", "required")
