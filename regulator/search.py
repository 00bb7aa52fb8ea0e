"""Substring search over Chinese names without extensions.

``pg_trgm`` is not in every PostgreSQL (the embedded one lacks it), and trigrams fit Chinese poorly anyway: most
names are short runs of ideographs, where two characters already make a word. So the kernel keeps its own
immutable SQL function ``regulator_bigrams(text)`` (the set of lower-cased two-character substrings, created by
migration ``regulator.0005``) and a GIN index on it answers "contains" queries: a row can contain the query only
if its bigrams include all of the query's, and the index finds those rows without reading the table. The exact
``LIKE`` then rechecks the few candidates.

Usage, in a model's ``Meta.indexes``::

    GinIndex(Bigrams("holder_name"), name="licence_holder_bigrams")

and in a query: ``contains_text(queryset, "holder_name", query)``, or the condition
``text_contains("name", query)`` combined with others.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains
from django.db import models
from django.db.models import Q, Value

BIGRAMS_FUNCTION = "regulator_bigrams"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, 2)), '{{}}')
    FROM generate_series(1, length(value) - 1) AS i
$$
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {BIGRAMS_FUNCTION}(text)"


class Bigrams(models.Func):
    function = BIGRAMS_FUNCTION
    output_field = ArrayField(models.TextField())


def text_contains(field: str, query: str) -> Q:
    """A condition: ``field`` contains ``query`` (case-insensitive), answered through a ``Bigrams(field)`` GIN
    index. Combine it with others (``text_contains("name", q) | Q(credit_code=q)``). A query of one character
    has no bigram; it is a plain ``icontains`` scan."""
    exact = Q(**{f"{field}__icontains": query})
    if len(query) < 2:
        return exact
    return Q(ArrayContains(Bigrams(field), Bigrams(Value(query, output_field=models.TextField())))) & exact


def contains_text(queryset, field: str, query: str):
    """``queryset`` narrowed to rows whose ``field`` contains ``query`` (see ``text_contains``)."""
    return queryset.filter(text_contains(field, query))
