from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Cursor pages in id order: stable under inserts, and never a ``COUNT(*)`` over a large table."""

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500
