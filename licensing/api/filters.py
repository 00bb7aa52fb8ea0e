import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.choices import ApplicationKind, ApplicationStatus, LicenceStatus
from licensing.models import Application, Licence
from regulator.api.filters import JurisdictionCodeFilter


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or empty: no filter); anything else is a 400, not silently ignored."""

    widget = forms.TextInput  # NullBooleanSelect would turn an unknown value into "no filter"

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ApplicationFilter(django_filters.FilterSet):
    jurisdiction = JurisdictionCodeFilter(help_text="GB/T 2260 code; includes the divisions below it.")
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices)
    licence_type = django_filters.CharFilter(field_name="licence_type__code")
    overdue = StrictBooleanFilter(help_text="Past the statutory decision deadline.")

    class Meta:
        model = Application
        fields = ["jurisdiction", "status", "kind", "licence_type", "overdue"]


class LicenceFilter(django_filters.FilterSet):
    jurisdiction = JurisdictionCodeFilter(help_text="GB/T 2260 code; includes the divisions below it.")
    status = django_filters.ChoiceFilter(choices=LicenceStatus.choices)
    licence_type = django_filters.CharFilter(field_name="licence_type__code")
    expires_before = django_filters.DateFilter(field_name="valid_until", lookup_expr="lt")
    credit_code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Licence
        fields = ["jurisdiction", "status", "licence_type", "expires_before", "credit_code"]
