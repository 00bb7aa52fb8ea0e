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


# --- The CSV fast path against the reference checks ------------------------------------------------------


def tricky_csv(chain, *, quoted=False) -> str:
    """Canonical lines among every kind of awkward or wrong one; ``quoted``: then a quoted value (from there on
    the file goes through csv.reader)."""
    m, w, p = chain.maker.credit_code, chain.wholesaler.credit_code, chain.pharmacy.credit_code
    case, bad_case = "00" + sscc(1), "00" + sscc(2)[:-1] + str((int(sscc(2)[-1]) + 1) % 10)
    t, naive = chain.at(5), chain.at(5).split("+")[0]
    lines = [
        f"e1,{pack(1)},commissioning,{t},{m},,,,A250101,2028-01-31",
        f",{case},commissioning,{t},{m},,,,,",
        f",{pack(1)},packing,{chain.at(4.9)},{m},,{case},,,",
        f",{pack(2)},packing,{chain.at(4.9)},{m},,(00){sscc(1)},,,",
        f",{pack(3)},packing,{chain.at(4.9)},{m},,{sscc(1)},,,",
        f",{case},shipping,{chain.at(4.8)},{m},{w},,,,",
        f",{case},receiving,{chain.at(4.7)},{w},{m},,,,",
        f",{pack(1)},unpacking,{chain.at(4.6)},{w},,{case},,,",
        f",{pack(1)},shipping,{chain.at(4.5)},{w},{p},,,,",
        f",{pack(4)},commissioning,{naive},{m},,,,,",
        f",{pack(5)},commissioning,{naive.replace('T', ' ')},{m},,,,,",
        f",{pack(6)},commissioning,{chain.now.astimezone(__import__('datetime').timezone.utc):%Y-%m-%dT%H:%M:%S}Z,{m},,,,,",
        f",{pack(7)},Commissioning,{t},{m},,,,,",
        f",{pack(8)},urn:epcglobal:cbv:bizstep:commissioning,{t},{m},,,,,",
        f", {pack(9)} ,commissioning,{t}, {m} ,,,,,",
        f",{pack(10)}9,commissioning,{t},{m},,,,,",
        f",{pack(11)},teleporting,{t},{m},,,,,",
        f",99999990000000000001,commissioning,{t},{m},,,,,",
        f",{pack(12)},commissioning,{t},91445102MA00000000,,,,,",
        f",{pack(13)},shipping,{t},{m},,,,,",
        f",{pack(14)},shipping,{t},{m},91445102MA00000000,,,,",
        f",{pack(15)},commissioning,yesterday,{m},,,,,",
        f",{pack(16)},commissioning,2026-02-30T10:00:00+08:00,{m},,,,,",
        f",{pack(17)},commissioning,2099-01-01T10:00:00+08:00,{m},,,,,",
        f",{pack(18)},commissioning,2026-01-01T24:00:00+08:00,{m},,,,,",
        f",{pack(19)},commissioning,2026-01-01T10:00:00+15:30,{m},,,,,",
        f",{bad_case},commissioning,{t},{m},,,,,",
        f",{pack(20)},packing,{t},{m},,{bad_case},,,",
        f",{pack(21)},packing,{t},{m},,,,,",
        f",{pack(22)},commissioning,{t},{m},,,,B 1,",
        f",{pack(23)},commissioning,{t},{m},,,,,2028-02-30",
        f",{pack(24)},commissioning,{t},{m},,,,,280100",
        f",{pack(25)},commissioning,{t},,,,,,",
        f",{pack(26)},发货,{t},{m},,,,,",
        f",{pack(27)},commissioning,{t},{m},,,国药准字H00000000,,",
        f",{pack(28)},commissioning,{t},{m},,,{chain.product.approval_number},,",
        f",{pack(29)},commissioning,{t},{m},,,,",
        "",
        f"e1,{pack(1)},commissioning,{chain.at(3)},{m},,,,,",
        f",{pack(1)},commissioning,{t},{m},,,,A250101,2028-01-31",
        f",{pack(30)},dispensing,{t},{p},,,,,",
        f",{pack(32)},receiving,{chain.at(4)},{p},{w},,,,",
        f",{pack(33)},commissioning,{t},{m},,,,,,",
    ]
    if quoted:
        lines[-2:-2] = [f"\"x,y\",{pack(31)},commissioning,{t},{m},,,,,",
                        f"\"a\nb\",{pack(34)},commissioning,{t},{m},,,,,"]
    return "event_id,code,kind,time,party,counterparty,parent,product,batch,expiry\n" + "\n".join(lines) + "\n"


def outcome(run):
    """What a submission did, rolled back afterwards: counts, rejections, and the events and codes stored."""
    from django.db import transaction

    with transaction.atomic():
        result = run()
        events = sorted(TraceEvent.objects.values_list("code__code", "kind", "occurred_at", "enterprise_id",
                                                       "counterparty_id", "parent__code", "event_id"))
        codes = sorted(TraceCode.objects.values_list("code", "code_type", "product_id", "batch_id", "batch_number",
                                                     "expires_on", "holder_id", "status", "parent__code",
                                                     "last_event_at", "jurisdiction_id"))
        transaction.set_rollback(True)
    return result, events, codes


@pytest.mark.parametrize("actor_name", [None, "ca_maker_user"])
@pytest.mark.parametrize("quoted", [False, True])
def test_the_csv_fast_path_and_the_reference_checks_agree_on_every_line(chain, tmp_path, actor_name, quoted):
    from regulator.choices import UserKind
    from tests import factories

    actor = None
    if actor_name:
        actor = factories.enterprise_user(chain.maker, actor_name)
        assert actor.kind == UserKind.ENTERPRISE
    path = tmp_path / "events.csv"
    path.write_text(tricky_csv(chain, quoted=quoted), encoding="utf-8")
    with ingest.open_text(path) as handle:
        reader = ingest.CsvForCopy(handle, canonical=services._canonical_line, chunk_chars=1200)
        by_copy = [int(line.split(",")[0]) for text, *_ in reader for line in text.splitlines()]
    assert {2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15} <= set(by_copy)  # these lines went to COPY as they are
    assert not {14, 16, 17, 23, 24, 26, 28, 29} & set(by_copy)  # and these to Normalizer

    def fast():
        with ingest.open_text(path) as handle:
            return services.ingest_csv(handle, actor=actor, chunk_chars=1200)

    def reference():
        with ingest.open_text(path) as handle:
            return services.ingest_csv(handle, actor=actor, python_checks=True)

    def records():
        with ingest.open_text(path) as handle:
            return services.ingest(ingest.read_csv(handle), actor=actor)

    fast_run, reference_run, records_run = outcome(fast), outcome(reference), outcome(records)
    assert fast_run == reference_run == records_run
    result = fast_run[0]
    assert result["received"] == result["accepted"] + result["rejected"] == (44 if quoted else 42)
    assert result["rejected"] >= 20 and result["stored"] > 10
    reasons = {r["index"]: r["reason"] for r in result["rejections"]}
    assert "has 21 digits" in reasons[17] and "Unknown event kind “teleporting”" in reasons[18]
    assert "not a real date" in reasons[24] or "ISO 8601" in reasons[24]  # 30 February
    assert "check digit" in reasons[28] and "Parent container" in reasons[29]
    assert "columns" in reasons[38] and "columns" in reasons[47 if quoted else 44]
    if actor_name:
        assert "only for your own enterprise" in reasons[20]


def test_the_csv_fast_path_reads_windows_line_ends_and_a_byte_order_mark(chain, tmp_path):
    path = tmp_path / "events.csv"
    text = tricky_csv(chain)
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    with ingest.open_text(path) as handle:
        windows = outcome(lambda: services.ingest_csv(handle))
    path.write_text(text, encoding="utf-8")
    with ingest.open_text(path) as handle:
        unix = outcome(lambda: services.ingest_csv(handle))
    assert windows == unix


def test_the_csv_fast_path_keeps_the_file_out_of_memory(chain, tmp_path):
    """Lines stream in chunks: a reader over a file of many chunks never holds more than one."""
    m = chain.maker.credit_code
    path = tmp_path / "events.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("code,kind,time,party\n")
        for n in range(3000):
            out.write(f"{pack(n)},commissioning,{chain.at(5)},{m}\n")
    with ingest.open_text(path) as handle:
        chunks = list(ingest.CsvForCopy(handle, canonical=services._canonical_line, chunk_chars=4096))
    assert len(chunks) > 20 and max(len(text) for text, *_ in chunks) < 2 * 4096
    assert sum(received for *_, received in chunks) == 3000
    with ingest.open_text(path) as handle:
        result = services.ingest_csv(handle)
    assert (result["received"], result["accepted"], result["stored"]) == (3000, 3000, 3000)


def test_an_interrupted_csv_upload_leaves_nothing_and_can_be_resent(chain):
    import io

    m = chain.maker.credit_code
    text = "code,kind,time,party\n" + "".join(f"{pack(n)},commissioning,{chain.at(5)},{m}\n" for n in range(50))

    class DropsAfterAWhile(io.StringIO):
        def read(self, size=-1):
            if self.tell() > 1000:
                raise ConnectionResetError("client went away")
            return super().read(size)

    with pytest.raises(ConnectionResetError):
        services.ingest_csv(DropsAfterAWhile(text), chunk_chars=300)
    assert not TraceEvent.objects.exists() and not TraceCode.objects.exists()
    result = services.ingest_csv(io.StringIO(text), chunk_chars=300)
    assert (result["received"], result["stored"]) == (50, 50)
