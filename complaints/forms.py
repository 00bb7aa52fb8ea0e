from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import Kind, NoCaseReason, NotAcceptedGround, Outcome
from regulator.choices import JurisdictionLevel
from regulator.models import Jurisdiction

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class FilingForm(forms.Form):
    """The public filing form. The rules (what a complaint needs, what an anonymous report needs) are the
    service's; this form only shapes the input. The honeypot ``website`` must stay empty."""

    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=Kind.choices, widget=forms.RadioSelect,
                             initial=Kind.COMPLAINT)
    enterprise = forms.CharField(required=False, widget=forms.HiddenInput)
    enterprise_query = forms.CharField(label=_("Search the enterprise"), required=False, max_length=100,
                                       help_text=_("Name, unified social credit code or licence number."))
    enterprise_description = forms.CharField(label=_("Or describe it: name"), required=False, max_length=255)
    place = forms.CharField(label=_("Address"), required=False, max_length=255)
    county = forms.ChoiceField(label=_("District / county"), required=False)
    product_name = forms.CharField(label=_("Product"), required=False, max_length=200)
    approval_number = forms.CharField(label=_("Approval number"), required=False, max_length=64)
    batch_number = forms.CharField(label=_("Batch"), required=False, max_length=40)
    trace_code = forms.CharField(label=_("Traceability code"), required=False, max_length=40)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    description = forms.CharField(label=_("What happened"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    occurred_on = forms.DateField(label=_("When it happened"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    attachments = MultipleFileField(label=_("Photos or documents"), required=False,
                                    help_text=_("JPEG, PNG or PDF, up to 5 files. Location data is removed from "
                                                "photos."))
    name = forms.CharField(label=_("Your name"), required=False, max_length=64)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("We send the receipt there. Optional for a report."))
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    challenge_answer = forms.IntegerField(label=_("The answer to the sum in the picture"),
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Jurisdiction.objects.current().filter(level=JurisdictionLevel.COUNTY).order_by("code")
        self.fields["county"].choices = [("", _("Not known"))] + [(j.code, j.name) for j in counties]


class StatusLookupForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Secret code"), max_length=20)


class FilerMessageForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("How satisfied are you with the handling?"), coerce=int,
                                   choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(choices=[("question", _("Question to the filer")), ("reply", _("Reply to the filer")),
                                      ("note", _("Internal note"))], initial="question")


class NotAcceptForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=NotAcceptedGround.choices)
    reply = forms.CharField(label=_("Reply to the filer"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[])
    reply = forms.CharField(label=_("Reply to the filer"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]


class CaseDecisionForm(forms.Form):
    """The decision on a verified report: open a case (立案) or not (不予立案, with the reason)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, initial="open",
                                 choices=[("open", _("Open a case")), ("none", _("Open no case"))])
    reason = forms.ChoiceField(label=_("Reason for opening no case"), required=False,
                               choices=[("", "—"), *NoCaseReason.choices])
    reply = forms.CharField(label=_("The decision as the reporter reads it"),
                            widget=forms.Textarea(attrs={"rows": 3}))


class PartiesNotifiedForm(forms.Form):
    note = forms.CharField(label=_("How the parties were notified"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. by letter, by phone")}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class TransferForm(forms.Form):
    to = forms.ChoiceField(label=_("To bureau"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(a.jurisdiction.code, a.name) for a in agencies]


class ExportForm(forms.Form):
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices])

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the period comes before its start."))
        return data
