"""``ingest.read_ahead``: a file's chunks produced by a thread ahead of ``COPY``, with nothing lost or leaked."""

import threading

import pytest
from django.utils import translation
from django.utils.translation import gettext

from traceability.ingest import read_ahead


def _threads():
    return [t for t in threading.enumerate() if t.name == "trace-read-ahead"]


def test_items_arrive_in_order_and_the_producer_ends():
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))
    assert _threads() == []


def test_a_producer_error_reaches_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3 is broken")

    seen = []
    with pytest.raises(ValueError, match="line 3 is broken"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]
    assert _threads() == []


def test_leaving_early_stops_the_producer():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in read_ahead(endless(), depth=2):
        if item == 5:
            break
    assert _threads() == []
    assert len(produced) <= 5 + 1 + 2 + 1  # what was consumed, the buffer and the one in hand


def test_the_producer_writes_messages_in_the_callers_language():
    def messages():
        yield gettext("Traceability")

    with translation.override("zh-hans"):
        chinese = list(read_ahead(messages()))
    with translation.override("en"):
        english = list(read_ahead(messages()))
    assert english == ["Traceability"]
    assert chinese != english
