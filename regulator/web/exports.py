"""CSV downloads of what a page lists, for the spreadsheets bureaus report with."""

import csv
import io

from django.http import HttpResponse


def csv_response(filename: str, columns, rows) -> HttpResponse:
    """``columns``: (key, header) pairs; ``rows``: dicts by key. UTF-8 with a byte-order mark, so that Excel
    opens Chinese text correctly; written inside the request, under its row-level security scope."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(header) for _key, header in columns])
    for row in rows:
        writer.writerow([row[key] for key, _header in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
