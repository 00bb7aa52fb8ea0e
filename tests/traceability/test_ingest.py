"""The one ingest service: per-record verdicts, idempotency, containers, all-or-nothing, who may submit."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from tests.traceability.conftest import pack, sscc
from traceability import ingest, services
from traceability.choices import CodeStatus, EventKind
from traceability.models import TraceCode, TraceEvent


@pytest.fixture(autouse=True)
def _english():
    """Assertions read messages in English; in production they follow the request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_it_accepts_good_records_and_rejects_bad_ones_with_index_and_reason(chain):
    result = chain.ingest(
        chain.record(pack(1), "commissioning", 5, chain.maker, batch="A250101"),
        chain.record(pack(2)[:-1], "commissioning", 5, chain.maker),
        chain.record(pack(3), "teleporting", 5, chain.maker),
        chain.record("99999990000000000001", "commissioning", 5, chain.maker),
        chain.record(pack(4), "commissioning", 5, chain.maker) | {"party": "91445102MA00000000"},
        chain.record(pack(5), "shipping", 5, chain.maker),
        chain.record(pack(6), "commissioning", 5, chain.maker) | {"time": "yesterday"},
    )
    assert result["received"] == 7
    assert result["accepted"] == 1 and result["rejected"] == 6
    reasons = {r["index"]: r["reason"] for r in result["rejections"]}
    assert "20-digit drug traceability code" in reasons[1] and "has 19 digits" in reasons[1]
    assert "Unknown event kind “teleporting”" in reasons[2]
    assert "first 7 digits “9999999”" in reasons[3]
    assert "91445102MA00000000" in reasons[4]
    assert "counterparty" in reasons[5]
    assert "ISO 8601" in reasons[6]
    code = TraceCode.objects.get(code=pack(1))
    assert (code.product, code.batch, code.expires_on) == (chain.product, chain.batch, chain.batch.expires_on)
    assert (code.holder, code.status) == (chain.maker, CodeStatus.ACTIVE)


def test_resending_the_same_events_stores_them_once(chain):
    records = chain.journey(pack(1))
    first = chain.ingest(*records)
    second = chain.ingest(*records)
    assert (first["stored"], second["stored"]) == (5, 0)
    assert second["accepted"] == 5 and second["rejected"] == 0
    assert TraceEvent.objects.count() == 5


def test_the_same_event_id_is_stored_once_even_with_another_time(chain):
    record = chain.record(pack(1), "commissioning", 5, chain.maker) | {"event_id": "urn:uuid:1"}
    chain.ingest(record)
    assert chain.ingest(record | {"time": chain.at(4)})["stored"] == 0
    assert TraceEvent.objects.count() == 1


def test_current_state_follows_the_latest_event_even_when_events_arrive_late(chain):
    chain.ingest(*chain.journey(pack(1))[3:])
    chain.ingest(*chain.journey(pack(1))[:3])
    code = TraceCode.objects.get(code=pack(1))
    assert (code.holder, code.status, code.jurisdiction_id) == (chain.pharmacy, "active",
                                                                chain.pharmacy.jurisdiction_id)


def test_a_shipment_of_a_container_moves_everything_inside(chain):
    case = sscc(1)
    records = [chain.record(case, "commissioning", 9, chain.maker)]
    for n in (1, 2, 3):
        records += [chain.record(pack(n), "commissioning", 9, chain.maker, batch="A250101"),
                    chain.record(pack(n), "packing", 8, chain.maker, parent=f"(00){case}")]
    records += [chain.record(case, "shipping", 7, chain.maker, counterparty=chain.wholesaler),
                chain.record(case, "receiving", 6, chain.wholesaler, counterparty=chain.maker)]
    assert chain.ingest(*records)["rejected"] == 0
    inside = TraceCode.objects.filter(code__in=[pack(1), pack(2), pack(3)])
    assert {(c.holder_id, c.status, c.parent.code) for c in inside} == {(chain.wholesaler.pk, "active", "00" + case)}
    chain.ingest(chain.record(pack(2), "unpacking", 5, chain.wholesaler, parent=case))
    assert TraceCode.objects.get(code=pack(2)).parent is None


def test_an_enterprise_submits_only_for_itself(chain):
    clerk = chain.world.users["xq_enterprise_user"]
    result = chain.ingest(chain.record(pack(1), "commissioning", 5, chain.maker),
                          {"code": pack(2), "kind": "dispensing", "time": chain.at(1)}, actor=clerk)
    assert result["rejected"] == 1 and "only for your own enterprise" in result["rejections"][0]["reason"]
    assert TraceEvent.objects.get().enterprise == chain.pharmacy  # no party: the submitter's own


def test_regulators_do_not_submit_events(chain):
    with pytest.raises(PermissionDenied):
        chain.ingest(chain.record(pack(1), "commissioning", 5, chain.maker), actor=chain.world.users["xq_officer"])


def test_an_interrupted_submission_leaves_nothing_and_can_be_resent(chain):
    def records():
        yield 0, chain.record(pack(1), "commissioning", 5, chain.maker)
        yield 1, chain.record(pack(2), "commissioning", 5, chain.maker)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        services.ingest(records())
    assert not TraceEvent.objects.exists() and not TraceCode.objects.exists()
    assert chain.ingest(chain.record(pack(1), "commissioning", 5, chain.maker))["stored"] == 1


def test_csv_reports_line_numbers(chain, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("code,kind,time,party,batch\n"
                    f"{pack(1)},commissioning,{chain.at(3)},{chain.maker.credit_code},A250101\n"
                    f"{pack(2)},commissioning,{chain.at(3)}\n"
                    f"{pack(3)}X,commissioning,{chain.at(3)},{chain.maker.credit_code},A250101\n", encoding="utf-8")
    with ingest.open_text(path) as handle:
        result = services.ingest(ingest.read_csv(handle))
    assert (result["received"], result["accepted"], result["rejected"]) == (3, 1, 2)
    assert [r["index"] for r in result["rejections"]] == [3, 4]


def test_epcis_object_and_aggregation_events(chain):
    gtin = "09501101530003"
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], "type": "EPCISDocument",
        "schemaVersion": "2.0", "creationDate": chain.at(0),
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventID": "ni:///1", "eventTime": chain.at(4), "action": "ADD",
             "bizStep": "urn:epcglobal:cbv:bizstep:commissioning",
             "epcList": ["urn:epc:id:sgtin:9501101.053000.S1", "urn:epc:id:sgtin:9501101.053000.S2",
                         "urn:epc:id:sscc:0690123.4000000001"],
             "sourceList": [{"type": "owning_party", "source": f"urn:cn:uscc:{chain.maker.credit_code}"}],
             "ilmd": {"cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2028-01-31"}},
            {"type": "AggregationEvent", "eventID": "ni:///2", "eventTime": chain.at(3), "action": "ADD",
             "bizStep": "packing", "parentID": "urn:epc:id:sscc:0690123.4000000001",
             "childEPCs": ["urn:epc:id:sgtin:9501101.053000.S1", "urn:epc:id:sgtin:9501101.053000.S2"],
             "sourceList": [{"type": "owning_party", "source": chain.maker.credit_code}]},
            {"type": "ObjectEvent", "eventID": "ni:///3", "eventTime": chain.at(2), "action": "OBSERVE",
             "bizStep": "shipping", "epcList": ["urn:epc:id:sscc:0690123.4000000001"],
             "sourceList": [{"type": "owning_party", "source": chain.maker.credit_code}],
             "destinationList": [{"type": "owning_party", "destination": chain.wholesaler.credit_code}]},
            {"type": "TransformationEvent", "eventTime": chain.at(1)},
        ]},
    }
    result = services.ingest(ingest.read_epcis(json.loads(json.dumps(document))))
    assert (result["received"], result["accepted"], result["rejected"]) == (7, 6, 1)
    assert result["rejections"][0]["index"] == "3"
    assert TraceEvent.objects.filter(kind=EventKind.PACKING).count() == 2
    item = TraceCode.objects.get(code=f"01{gtin}21S1")
    assert (item.batch_number, str(item.expires_on), item.status) == ("L1", "2028-01-31", "in_transit")
    assert item.parent.code_type == "sscc"


def test_import_trace_command_prints_counts_and_rejections(chain, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "events.csv"
    path.write_text("code,kind,time,party\n"
                    f"{pack(1)},commissioning,{chain.at(3)},{chain.maker.credit_code}\n"
                    f"{pack(2)},dispensing,not-a-time,{chain.maker.credit_code}\n", encoding="utf-8")
    out = StringIO()
    call_command("import_trace", str(path), "--quiet", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {"received": 2, "accepted": 1, "rejected": 1, "stored": 1}
    assert lines[1]["index"] == 3 and "ISO 8601" in lines[1]["reason"]
    call_command("import_trace", str(path), "--quiet", stdout=StringIO())
    assert TraceEvent.objects.count() == 1


def test_list_queries_do_not_grow_with_rows(api_as, chain):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("city_officer")
    urls = ("/api/v1/trace-events/", "/api/v1/trace-codes/", "/api/v1/trace-jobs/")

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    chain.ingest(*chain.journey(pack(1)))
    few = counts()
    chain.ingest(*chain.journey(pack(2)), *chain.journey(pack(3)), *chain.journey(pack(4)))
    assert counts() == few
