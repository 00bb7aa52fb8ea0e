"""Base classes for pages that show tenant data: the scope is applied here, once."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.response import TemplateResponse

from regulator.tenancy import GuardsScopedQueryset, rls_scope


class ScopedViewMixin(GuardsScopedQueryset, LoginRequiredMixin):
    """``visible_to(request.user)`` on the queryset and the database scope around the whole response.

    Like the API base class, it refuses subclasses that override ``get_queryset``; refine the
    queryset in ``scoped_queryset()``. Out-of-scope objects answer 404. The template is rendered
    inside the scope, so a lazy queryset evaluated there is still under row-level security.
    """

    model = None
    applies_scoping = True

    def scoped_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.scoped_queryset().visible_to(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        with rls_scope(request.user):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
            return response
