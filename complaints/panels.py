"""The start-page panel of the complaints app; runs inside the request's tenant scope."""

from complaints import selectors


def queue(request):
    rows = list(selectors.queue_for(request.user).exclude(due_on__isnull=True)[:8])
    return {"complaints": rows, "on_time": selectors.on_time_rate(request.user)}
