"""The public pages' rate limits come from environment variables, with defaults, and refuse a bad value."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints import abuse
from regulator.env import env_rate, parse_rate

RATES = {"COMPLAINTS_FILING_RATE": "10/hour", "COMPLAINTS_LOOKUP_RATE": "30/hour",
         "COMPLAINTS_SEARCH_RATE": "600/hour"}


def fresh_settings():
    """The settings module run again under the test's environment. Django's configured ``settings`` object
    keeps its own copies, so nothing else in the run sees this."""
    import regulator.settings

    return importlib.reload(regulator.settings)


def test_the_defaults_apply_without_environment_variables(monkeypatch):
    for name in RATES:
        monkeypatch.delenv(name, raising=False)
    module = fresh_settings()
    assert {name: getattr(module, name) for name in RATES} == RATES


def test_an_environment_variable_sets_the_rate(monkeypatch, settings):
    monkeypatch.setenv("COMPLAINTS_FILING_RATE", "50/day")
    settings.COMPLAINTS_FILING_RATE = fresh_settings().COMPLAINTS_FILING_RATE

    assert abuse.filing_rate() == "50/day" and parse_rate(abuse.filing_rate()) == (50, 86400)


@pytest.mark.parametrize("bad", ["10", "ten/hour", "10/fortnight", "0/hour", "-1/hour", ""])
def test_a_malformed_rate_stops_the_start_naming_the_variable(monkeypatch, bad):
    monkeypatch.setenv("COMPLAINTS_LOOKUP_RATE", bad)

    with pytest.raises(ImproperlyConfigured, match="COMPLAINTS_LOOKUP_RATE"):
        env_rate("COMPLAINTS_LOOKUP_RATE", "30/hour")
    with pytest.raises(ImproperlyConfigured, match="COMPLAINTS_LOOKUP_RATE"):
        fresh_settings()
