import django_filters

from complaints.choices import Attention, Kind, Status
from complaints.models import Complaint
from regulator.api.filters import JurisdictionCodeFilter


class ComplaintFilter(django_filters.FilterSet):
    jurisdiction = JurisdictionCodeFilter(help_text="GB/T 2260 code; includes the divisions below it.")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    attention = django_filters.ChoiceFilter(choices=Attention.choices[1:])
    enterprise = django_filters.CharFilter(field_name="enterprise__credit_code", lookup_expr="iexact")

    class Meta:
        model = Complaint
        fields = ["jurisdiction", "kind", "status", "attention", "enterprise", "tracking_number"]
