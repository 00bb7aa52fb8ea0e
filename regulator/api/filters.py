import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from regulator.choices import EnterpriseStatus, EnterpriseType, ProductKind
from regulator.models import Batch, Enterprise, Event, Product


class JurisdictionCodeFilter(django_filters.CharFilter):
    """Filter by a jurisdiction code, including everything below it (a city code lists its counties)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(jurisdiction__path__startswith=_path_of(value))


def _path_of(code: str) -> str:
    from regulator.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.current().filter(code=code).first()
    return jurisdiction.path if jurisdiction else "/none/"


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class EnterpriseFilter(django_filters.FilterSet):
    jurisdiction = JurisdictionCodeFilter(help_text="GB/T 2260 code; includes the divisions below it.")
    enterprise_type = django_filters.MultipleChoiceFilter(choices=EnterpriseType.choices)
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices)
    credit_code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Enterprise
        fields = ["jurisdiction", "enterprise_type", "status", "credit_code"]


class ProductFilter(django_filters.FilterSet):
    jurisdiction = JurisdictionCodeFilter()
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices)
    enterprise = django_filters.CharFilter(field_name="enterprise__credit_code", lookup_expr="iexact")

    class Meta:
        model = Product
        fields = ["jurisdiction", "kind", "enterprise", "approval_number", "trace_prefix"]


class BatchFilter(django_filters.FilterSet):
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt")

    class Meta:
        model = Batch
        fields = ["product", "batch_number", "expires_before"]


class EventFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(help_text="Exact kind, or a prefix ending in a dot, e.g. `enterprise.`.",
                                     method="filter_kind")
    after = IntegerFilter(field_name="id", lookup_expr="gt", help_text="Only events after this id.")
    jurisdiction = JurisdictionCodeFilter()

    class Meta:
        model = Event
        fields = ["kind", "after", "jurisdiction"]

    def filter_kind(self, queryset, name, value):
        if value.endswith("."):
            return queryset.filter(kind__startswith=value)
        return queryset.filter(kind=value)
