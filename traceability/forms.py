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


class DateInput(forms.DateInput):
    input_type = "date"


class RecallForm(forms.Form):
    approval_number = forms.CharField(label=_("Approval number"), max_length=64,
                                      help_text=_("As on the pack or the sampling report, e.g. 国药准字H44020001."))
    batch_number = forms.CharField(label=_("Batch number"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Holders report back by"), required=False, widget=DateInput,
                               help_text=_("Empty: seven days from today."))


class RecallStartForm(forms.Form):
    deadline = forms.DateField(label=_("Holders report back by"), required=False, widget=DateInput,
                               help_text=_("Empty: seven days from today."))


class RecallRejectForm(forms.Form):
    reason = forms.CharField(label=_("Why no recall"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RecallCloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
