import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from regulator.audit import audit_context
from traceability import ingest, services
from traceability.choices import JobSource
from traceability.codes import CodeError


class Command(BaseCommand):
    help = "Import traceability events from a CSV, NDJSON, JSON array or EPCIS 2.0 JSON file (trusted: any party)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["auto", "csv", "ndjson", "json"], default="auto")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file, format, quiet, **options):
        fmt = format
        if fmt == "auto":
            fmt = "csv" if file.endswith(".csv") else "ndjson" if file.endswith((".ndjson", ".jsonl")) else "json"
        try:
            handle = ingest.open_text(file)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        size = os.path.getsize(file) or 1
        binary = handle.buffer

        def progress():
            done = binary.tell()
            if not quiet:
                width = 40
                filled = int(width * done / size)
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {100 * done // size:3d}%")
                sys.stderr.flush()
            return done

        try:
            with handle, audit_context(command="import_trace"):
                records = None
                if fmt == "ndjson":
                    records = ingest.read_ndjson(handle)
                elif fmt != "csv":
                    data = json.load(handle)
                    records = ingest.read_epcis(data) if ingest.is_epcis(data) else ingest.read_json_records(data)
                source = JobSource.CSV if fmt == "csv" else JobSource.API
                job = services.create_job(actor=None, source=source, filename=os.path.basename(file), path=file)
                if records is None:
                    result = services.ingest_csv(handle, job=job, progress_total=size, progress=progress)
                else:
                    result = services.ingest(records, job=job, progress_total=size, progress=progress)
        except (CodeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            sys.stderr.write("\n")
        self.stdout.write(json.dumps({k: result[k] for k in ("received", "accepted", "rejected", "stored")}))
        for rejection in result["rejections"]:
            self.stdout.write(json.dumps(rejection, ensure_ascii=False))
