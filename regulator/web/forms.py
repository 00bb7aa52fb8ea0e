from django import forms
from django.utils.translation import gettext_lazy as _

from regulator.choices import EnterpriseStatus, EnterpriseType


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, credit code or address")}))
    enterprise_type = forms.ChoiceField(label=_("Type"), required=False,
                                        choices=[("", _("All types")), *EnterpriseType.choices])
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *EnterpriseStatus.choices])

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [("", _("All in my scope"))] + [
            (j.code, j.name) for j in jurisdictions
        ]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            from django.db.models import Q

            from regulator.search import text_contains

            term = data["q"].strip()
            queryset = queryset.filter(text_contains("name", term) | Q(credit_code__iexact=term)
                                       | text_contains("address", term))
        if data["enterprise_type"]:
            queryset = queryset.filter(enterprise_type=data["enterprise_type"])
        if data["jurisdiction"]:
            queryset = queryset.filter(jurisdiction__code=data["jurisdiction"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("System name"), max_length=128,
                           help_text=_("Which system will use it, e.g. the provincial data exchange."))
    write = forms.BooleanField(label=_("May also write (submit data and take workflow steps)"), required=False)


def add_service_errors(form, exc) -> None:
    """Put a service's ``ValidationError`` on the form: under the field it names when the form has one,
    else above the form. What the user typed stays in the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
