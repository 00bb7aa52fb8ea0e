"""Reading submissions into flat records: CSV, JSON arrays, NDJSON and EPCIS 2.0 documents.

Every reader yields ``(index, record)`` pairs lazily (a file is never held in memory), where a record is a
dict with the keys of ``FIELDS``; a record the reader cannot even shape is yielded as ``(index, CodeError)``.
``traceability.services.ingest`` validates and stores them, all formats alike.
"""

import csv
import json

from django.utils.translation import gettext as _

from traceability.codes import CodeError

FIELDS = ("event_id", "code", "kind", "time", "party", "counterparty", "parent", "product", "batch", "expiry")

CBV_BIZSTEP = "urn:epcglobal:cbv:bizstep:"


def read_csv(stream, *, start_line: int = 2):
    """Rows of a CSV file with a header naming (some of) ``FIELDS``; the index is the line number."""
    reader = csv.reader(stream)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    unknown = [h for h in header if h not in FIELDS]
    if unknown or "code" not in header or "kind" not in header:
        raise CodeError(_("The CSV header must name the columns %(fields)s; it has %(header)s.")
                        % {"fields": ", ".join(FIELDS), "header": ", ".join(header)})
    width = len(header)
    line = start_line - 1
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != width:
            yield line, CodeError(_("The line has %(n)d columns; the header has %(width)d.")
                                  % {"n": len(row), "width": width})
            continue
        yield line, dict(zip(header, row, strict=True))


def read_json_records(data):
    """A JSON array of records (already decoded); the index is the position in the array."""
    if not isinstance(data, list):
        raise CodeError(_("Send a JSON array of events, NDJSON (one event per line) or an EPCIS document."))
    for i, item in enumerate(data):
        yield i, item if isinstance(item, dict) else CodeError(_("Each event must be a JSON object."))


def read_ndjson(stream):
    """One JSON object per line; the index is the line number."""
    for line_number, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield line_number, CodeError(_("The line is not valid JSON: %(error)s") % {"error": exc})
            continue
        yield line_number, item if isinstance(item, dict) else CodeError(_("Each event must be a JSON object."))


def _party_id(value) -> str:
    """A credit code from a plain value or the last segment of a URN / URL (``urn:…:91445102MA…``)."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("source") or value.get("destination") or ""
    value = str(value or "").strip()
    for separator in ("/", ":"):
        value = value.rsplit(separator, 1)[-1]
    return value


def _party_of(items, key) -> str:
    for item in items or []:
        if isinstance(item, dict) and str(item.get("type", "")).endswith(("owning_party", "possessing_party")):
            return _party_id(item.get(key))
    return ""


def _bizstep(value) -> str:
    value = str(value or "")
    return value[len(CBV_BIZSTEP):] if value.startswith(CBV_BIZSTEP) else value


def is_epcis(data) -> bool:
    return isinstance(data, dict) and data.get("type") in ("EPCISDocument", "EPCISQueryDocument")


def read_epcis(document):
    """ObjectEvents and AggregationEvents of an EPCIS 2.0 JSON / JSON-LD document, one record per EPC.

    The party is the ``sourceList`` owning party (or the ``bizLocation`` id's last segment), the other
    party the ``destinationList`` one; parties are named by their unified social credit code. The index is
    ``i`` for the i-th event, ``i.j`` for its j-th EPC.
    """
    if not is_epcis(document):
        raise CodeError(_("Not an EPCIS document: its \"type\" must be \"EPCISDocument\"."))
    body = document.get("epcisBody") or {}
    events = body.get("eventList") or (body.get("queryResults", {}).get("resultsBody", {}).get("eventList")) or []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            yield str(i), CodeError(_("Each EPCIS event must be a JSON object."))
            continue
        event_type = event.get("type")
        action = event.get("action")
        step = _bizstep(event.get("bizStep"))
        ilmd = event.get("ilmd") or {}
        base = {
            "event_id": str(event.get("eventID") or ""),
            "time": event.get("eventTime") or "",
            "party": _party_of(event.get("sourceList"), "source") or _party_id(event.get("bizLocation")),
            "counterparty": _party_of(event.get("destinationList"), "destination"),
            "batch": str(ilmd.get("cbvmda:lotNumber") or ilmd.get("lotNumber") or ""),
            "expiry": str(ilmd.get("cbvmda:itemExpirationDate") or ilmd.get("itemExpirationDate") or ""),
            "product": str(ilmd.get("cn:approvalNumber") or ""),
        }
        if step == "receiving":
            base["counterparty"] = _party_of(event.get("sourceList"), "source")
            base["party"] = (_party_of(event.get("destinationList"), "destination")
                             or _party_id(event.get("bizLocation")))
        if event_type == "ObjectEvent":
            epcs = event.get("epcList") or []
            if action == "ADD" and not step:
                step = "commissioning"
            parent = ""
        elif event_type == "AggregationEvent":
            epcs = event.get("childEPCs") or []
            parent = str(event.get("parentID") or "")
            if action == "ADD":
                step = "packing"
            elif action == "DELETE":
                step = "unpacking"
            else:
                yield str(i), CodeError(_("An AggregationEvent with action OBSERVE records no change; "
                                          "send ADD (packing) or DELETE (unpacking)."))
                continue
        else:
            yield str(i), CodeError(_("EPCIS %(type)s events are not stored; send ObjectEvent or AggregationEvent.")
                                    % {"type": event_type})
            continue
        if not epcs:
            yield str(i), CodeError(_("The event lists no EPC."))
            continue
        for j, epc in enumerate(epcs):
            yield f"{i}.{j}", {**base, "code": str(epc), "kind": step, "parent": parent}


def open_text(path):
    return open(path, encoding="utf-8-sig", newline="")
