"""The kernel's bigram substring search (regulator.search)."""

import pytest
from django.db import connection

from regulator.models import Enterprise
from regulator.search import contains_text


def names(query):
    return sorted(contains_text(Enterprise.objects.all(), "name", query).values_list("name", flat=True))


@pytest.mark.django_db
def test_finds_every_name_containing_the_query_and_nothing_else(world):
    assert names("康宁") == ["湘桥康宁大药房"]
    assert names("药房") == ["湘桥康宁大药房"]
    assert names("医药批发") == ["湘桥医药批发有限公司"]
    # Every bigram of "宁康" is absent, and "大康宁" has its bigrams in another order: neither matches.
    assert names("宁康") == [] and names("大康宁") == []


@pytest.mark.django_db
def test_a_row_holding_every_bigram_but_not_the_text_is_dropped_by_the_recheck(world):
    Enterprise.objects.filter(name="饶平仁心药店").update(name="饶平ABXBC药店")
    # "abc" has the bigrams ab and bc, both in "abxbc", which does not contain "abc".
    assert names("abc") == []
    assert names("xbc") == ["饶平ABXBC药店"]


@pytest.mark.django_db
def test_is_case_insensitive_and_falls_back_for_one_character(world):
    Enterprise.objects.filter(name="饶平仁心药店").update(name="饶平GSP仁心药店")
    assert names("gsp") == ["饶平GSP仁心药店"]
    assert names("仁") == ["饶平GSP仁心药店"]


@pytest.mark.django_db
def test_the_bigram_function_is_the_set_of_two_character_substrings(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT regulator_bigrams('潮州AbA'), regulator_bigrams('药'), regulator_bigrams('')")
        grams, single, empty = cursor.fetchone()
    assert sorted(grams) == sorted(["潮州", "州a", "ab", "ba"])
    assert single == [] and empty == []
