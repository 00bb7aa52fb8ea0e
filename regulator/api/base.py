"""Base classes every domain API builds on: the tenant scope is applied here, once."""

from rest_framework import mixins, serializers, viewsets

from regulator.tenancy import GuardsScopedQueryset, rls_scope


class ScopedViewSetMixin(GuardsScopedQueryset):
    """Applies ``visible_to(request.user)`` and the database scope to every request.

    Subclasses declare ``queryset`` and may refine it in ``scoped_queryset()``; they may not
    override ``get_queryset`` (that would silently drop the scoping), and defining it raises at
    import time. An object outside the actor's scope is simply not found: 404.
    """

    applies_scoping = True

    def scoped_queryset(self):
        """Hook for subclasses: select_related, annotations, extra filters. Scoping comes after."""
        return self.queryset.all()

    def get_queryset(self):
        return self.scoped_queryset().visible_to(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._rls = rls_scope(request.user)
        self._rls.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        rls = getattr(self, "_rls", None)
        if rls is not None:
            self._rls = None
            rls.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)

    @property
    def actor(self):
        return self.request.user


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Create, read and update through services; deletion is not offered (records are closed, not erased)."""

    http_method_names = ["get", "post", "patch", "head", "options"]


class TenantSerializer(serializers.ModelSerializer):
    """Every tenant-owned resource shows its owning jurisdiction as a GB/T 2260 code."""

    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True,
                                         help_text="GB/T 2260 code of the owning jurisdiction.")
