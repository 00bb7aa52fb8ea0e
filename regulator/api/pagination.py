from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Cursor pages in id order: stable under inserts, and never a ``COUNT(*)`` over a large table.

    A malformed ``page_size`` or ``cursor`` is a 400 naming the parameter, not silently ignored.
    """

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                _("Must be a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]})
        return int(raw)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [
                _("This cursor is not valid; use the `next` or `previous` link of a page.")]}) from None
