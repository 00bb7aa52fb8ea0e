"""Reading submissions into flat records: CSV, JSON arrays, NDJSON and EPCIS 2.0 documents.

Every reader yields ``(index, record)`` pairs lazily (a file is never held in memory), where a record is a
dict with the keys of ``FIELDS``; a record the reader cannot even shape is yielded as ``(index, CodeError)``.
``traceability.services.ingest`` validates and stores them, all formats alike. ``CsvForCopy`` is the CSV
fast path of the same service (``services.ingest_csv``): lines go to ``COPY`` nearly untouched.
"""

import csv
import io
import itertools
import json
import queue
import re
import threading
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from traceability.codes import CodeError, gs1_check_digit

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


# The canonical shapes of each CSV column that ``services.ingest_csv`` may pass to SQL without ``Normalizer``:
# a value of one of these shapes is one Normalizer accepts as it is (no spaces to strip, nothing to convert
# but the type). Anything else — and any line these miss — goes through Normalizer, which decides and says why.
_TIME = (r"(?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
         r"(?:\.\d{1,6})?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?")
_SSCC_KEY = r"00\d{18}"
_NMPA = r"(?!0[01])\d{20}"
_CANONICAL = {
    "event_id": r"[^,]*",
    "code": rf"(?:{_NMPA}|(?P<sscc>{_SSCC_KEY}))",
    "time": rf"(?P<time>{_TIME})",
    "party": r"[0-9A-Z]{18}|",
    "counterparty": r"[0-9A-Z]{18}|",
    "parent": rf"(?P<parent>{_SSCC_KEY})|{_NMPA}|",
    "product": r"[^,]*",
    "batch": r"[!%&'()*+\-./0-9:;<=>?A-Z_a-z]{0,20}",
    "expiry": r"(?P<expiry>(?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))|",
}


def canonical_line(header, kinds) -> re.Pattern | None:
    """A line whose every value has its canonical shape, for this header (``kinds``: the accepted kind names);
    None when the header has no time (every line is then Normalizer's to reject)."""
    if "time" not in header:
        return None
    names = "|".join(sorted(kinds, key=len, reverse=True))
    shapes = {**_CANONICAL, "kind": f"(?:urn:epcglobal:cbv:bizstep:)?(?:{names})"}
    pattern = ",".join(f"(?:{shapes[name]})" for name in header)
    absent = {"sscc": "code", "parent": "parent", "expiry": "expiry"}
    return re.compile(pattern + "".join(f"(?:(?P<{group}>)){{0}}" for group, column in absent.items()
                                        if column not in header))


def _day_exists(value: str) -> bool:
    """``YYYY-MM-DD…`` with a day the month has (days 29–31 only are in doubt)."""
    if value[8:10] <= "28":
        return True
    try:
        date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return True


class CsvForCopy:
    """The CSV fast path: a file's lines handed to ``COPY … (FORMAT csv)`` nearly as they are.

    Iterating yields ``(copy_text, records, errors, received)`` per chunk of about ``chunk_chars`` characters:
    ``copy_text`` holds each line whose values all have their canonical shape (``canonical_line``), prefixed by
    its line number; ``records`` the other lines as ``(line, dict)`` for ``Normalizer``; ``errors`` lists
    ``(line, CodeError)`` for lines of the wrong width; ``received`` counts the chunk's records (blank lines
    are not records). A chunk with quotes or bare carriage returns, and everything after it, goes through
    ``csv.reader`` instead, so quoted commas and line breaks keep their meaning; the line numbers are those
    ``read_csv`` gives. ``canonical=None`` sends every line to ``Normalizer`` (the reference path).
    """

    def __init__(self, stream, *, canonical=None, chunk_chars: int = 1 << 20):
        self.stream = stream
        self.chunk_chars = chunk_chars
        self.line = 1
        first = stream.readline()
        if not first:
            self.header = None
            return
        header = [h.strip().lower() for h in next(csv.reader([first]), [])]
        if ([h for h in header if h not in FIELDS] or "code" not in header or "kind" not in header
                or len(set(header)) < len(header)):
            raise CodeError(_("The CSV header must name the columns %(fields)s; it has %(header)s.")
                            % {"fields": ", ".join(FIELDS), "header": ", ".join(header)})
        self.header = header
        self.match = canonical(header).fullmatch if canonical else None
        self._sscc_ok: dict[str, bool] = {}

    def _width_error(self, n):
        return CodeError(_("The line has %(n)d columns; the header has %(width)d.")
                         % {"n": n, "width": len(self.header)})

    def _sscc(self, key: str) -> bool:
        ok = self._sscc_ok.get(key)
        if ok is None:
            if len(self._sscc_ok) > 100_000:
                self._sscc_ok.clear()
            ok = self._sscc_ok[key] = gs1_check_digit(key[2:19]) == int(key[19])
        return ok

    def __iter__(self):
        if self.header is None:
            return
        header, commas, match, sscc = self.header, len(self.header) - 1, self.match, self._sscc
        while True:
            text = self.stream.read(self.chunk_chars)
            if not text:
                return
            if not text.endswith("\n"):
                text += self.stream.readline()
            if "\r" in text and text.count("\r") == text.count("\r\n"):
                text = text.replace("\r\n", "\n")
            if '"' in text or "\r" in text or "\x00" in text or match is None:
                yield from self._through_csv_reader(text)
                return
            lines = text.split("\n")
            if not lines[-1]:
                lines.pop()
            out, records, errors, received, n = [], [], [], 0, self.line
            for line in lines:
                n += 1
                if not line:
                    continue
                received += 1
                m = match(line)
                if m is not None:
                    key, parent, moment, expiry = m.group("sscc", "parent", "time", "expiry")
                    if ((key is None or sscc(key)) and (parent is None or sscc(parent)) and _day_exists(moment)
                            and (expiry is None or _day_exists(expiry))):
                        out.append(f"{n},{line}\n")
                        continue
                if line.count(",") != commas:
                    errors.append((n, self._width_error(line.count(",") + 1)))
                else:
                    records.append((n, dict(zip(header, line.split(","), strict=True))))
            self.line = n
            yield "".join(out), records, errors, received

    def _through_csv_reader(self, text, rows_per_chunk: int = 20_000):
        lines = itertools.chain(io.StringIO(text, newline=""), self.stream)
        reader = csv.reader(line.replace("\x00", "\ufffd") if "\x00" in line else line for line in lines)
        width, offset = len(self.header), self.line
        records, errors, received = [], [], 0
        for row in reader:
            if not row:
                continue
            received += 1
            if len(row) != width:
                errors.append((offset + reader.line_num, self._width_error(len(row))))
            else:
                records.append((offset + reader.line_num, dict(zip(self.header, row, strict=True))))
            if received >= rows_per_chunk:
                yield "", records, errors, received
                records, errors, received = [], [], 0
        yield "", records, errors, received


def read_ahead(items, depth: int = 2):
    """``items`` produced by a thread ``depth`` items ahead of the consumer: reading and checking the next
    chunk of a file overlaps with ``COPY`` of this one (the database works in its own process, and psycopg
    releases the GIL while it sends). The consumer sees the producer's exceptions; leaving the loop early
    stops the producer. The active language is the caller's, for the messages the producer writes."""
    done = object()
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        with translation.override(language):
            try:
                for item in items:
                    if not put((item, None)):
                        return
                put((done, None))
            except BaseException as exc:  # handed to the consumer, which raises it
                put((done, exc))

    producer = threading.Thread(target=produce, name="trace-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item, error = buffer.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        producer.join()


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
