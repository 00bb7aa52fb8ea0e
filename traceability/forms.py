from django import forms
from django.utils.translation import gettext_lazy as _

from traceability.choices import DiscrepancyStatus


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: event_id, code, kind, time, party, counterparty, parent, product, batch, expiry."))


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Code or Digital Link"), max_length=300)


class DiscrepancyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (DiscrepancyStatus.EXPLAINED, DiscrepancyStatus.EXPLAINED.label),
        (DiscrepancyStatus.CONFIRMED, DiscrepancyStatus.CONFIRMED.label),
        (DiscrepancyStatus.OPEN, DiscrepancyStatus.OPEN.label),
    ])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
