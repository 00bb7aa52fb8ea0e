"""Input forms of the licensing pages. They validate input only; the rules are in services.py."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.choices import ApplicationKind, ChangeKind, InspectionResult
from licensing.models import Application, LicenceType


class ApplicationForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    licence_type = forms.ModelChoiceField(LicenceType.objects.all(), label=_("Licence type"), to_field_name="code")
    kind = forms.ChoiceField(choices=ApplicationKind.choices, label=_("Application kind"), initial=ApplicationKind.NEW)
    licence = forms.ChoiceField(choices=[("", "—")], required=False, label=_("Licence (renewal, change, cancellation)"))
    change_kind = forms.ChoiceField(choices=[("", "—"), *ChangeKind.choices], required=False, label=_("Change"))
    business_scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                     label=_("Business scope"))
    address = forms.CharField(max_length=255, required=False, label=_("Business address"))
    legal_representative = forms.CharField(max_length=64, required=False, label=_("Legal representative"))
    responsible_pharmacist = forms.CharField(max_length=64, required=False, label=_("Responsible pharmacist"))
    commitment = forms.BooleanField(required=False, label=_(
        "I commit in writing that the shop retails only Class-B OTC drugs and meets the conditions "
        "(notification-commitment: licensed the same day, verified by inspection)."))
    document = forms.FileField(required=False, label=_("Document (PDF, JPEG or PNG)"))

    def __init__(self, *args, licences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].choices = [("", "—"), *[(licence.pk, str(licence)) for licence in licences]]
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Document (PDF, JPEG or PNG)"))


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note"))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("What must be corrected"))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class OpinionForm(forms.Form):
    opinion = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Review opinion (internal)"))


class DenyForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reasons for the denial"))


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspection date"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(max_length=200, label=_("Inspectors (comma-separated, at least two)"))
    result = forms.ChoiceField(choices=InspectionResult.choices, label=_("Result"))
    note = forms.CharField(required=False, label=_("Note"))

    def clean_inspectors(self):
        raw = self.cleaned_data["inspectors"].replace("，", ",").replace("、", ",")
        return [name.strip() for name in raw.split(",") if name.strip()]


class LicenceActionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))
    legal_basis = forms.CharField(max_length=200, label=_("Legal basis"))


class RegisterSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False,
                        label=_("Enterprise name, unified social credit code or licence number"))


class DraftForm(forms.ModelForm):
    """The applicant's own fields of a draft (or of an application returned for correction)."""

    class Meta:
        model = Application
        fields = ["business_scope", "address", "legal_representative", "responsible_pharmacist", "commitment"]
        widgets = {"business_scope": forms.Textarea(attrs={"rows": 3})}
