from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import Attention, Kind, NoCaseReason, NotAcceptedGround, Outcome, Sender, Status
from regulator.audit import audited
from regulator.models import TenantModel


@audited(exclude=["secret_hash"])
class Complaint(TenantModel):
    """A complaint (投诉), a report of a violation (举报) or an enquiry (咨询) filed by the public.

    Owned by the jurisdiction of the enterprise concerned (territorial supervision); when the enterprise
    is unknown, by the city whose bureau triages it. The filer's identity lives apart, in
    ``FilerIdentity``, and is shown only to the assigned handler and the head of the handling unit.
    """

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("date of receipt"), help_text=_("Picks the version of each statutory rule."))
    handling_agency = models.ForeignKey("regulator.Agency", models.PROTECT, related_name="+",
                                        verbose_name=_("handling bureau"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("handler"))

    enterprise = models.ForeignKey("regulator.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("enterprise"))
    enterprise_description = models.CharField(_("enterprise as described"), max_length=255, blank=True)
    place = models.CharField(_("address"), max_length=255, blank=True)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    approval_number = models.CharField(_("approval number"), max_length=64, blank=True)
    batch_number = models.CharField(_("batch"), max_length=40, blank=True)
    trace_code = models.CharField(_("traceability code"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    not_accepted_ground = models.CharField(_("ground for not accepting"), max_length=32,
                                           choices=NotAcceptedGround.choices, blank=True)
    no_case_reason = models.CharField(_("reason for opening no case"), max_length=32, choices=NoCaseReason.choices,
                                      blank=True)
    parties_notified_on = models.DateField(_("both parties notified on"), null=True, blank=True,
                                           help_text=_("When the bureau notified the complainant and the enterprise "
                                                       "that the mediation ended."))
    reply = models.TextField(_("reply to the filer"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("comment on the handling"), max_length=500, blank=True)

    due_on = models.DateField(_("due on"), null=True, blank=True,
                              help_text=_("Due date of the statutory clock now running, for the queue."))
    attention = models.CharField(_("attention"), max_length=16, choices=Attention.choices, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the head of unit"), null=True, blank=True)
    extended = models.BooleanField(_("verification extended"), default=False)
    jurisdiction_disputed = models.BooleanField(_("jurisdiction disputed"), default=False)

    enterprise_lookup = None  # enterprises never see complaints about them here

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint or report")
        verbose_name_plural = _("complaints and reports")
        indexes = [
            models.Index(fields=["handling_agency", "status", "due_on"]),
            models.Index(fields=["enterprise", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="complaint_satisfaction_1_to_5",
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
            ),
            models.CheckConstraint(name="complaint_closed_has_outcome",
                                   condition=~Q(status=Status.CLOSED) | ~Q(outcome="")),
            models.CheckConstraint(name="complaint_no_case_has_reason",
                                   condition=~Q(outcome=Outcome.NO_CASE) | ~Q(no_case_reason="")),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.subject}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


# The audit trail records that an identity was written, never its content (history is readable in the back office).
@audited(exclude=["name", "phone", "email", "id_number", "address"])
class FilerIdentity(TenantModel):
    """Who filed: confidential. Read it only through ``services.reveal_identity``, which audits each view."""

    complaint = models.OneToOneField(Complaint, models.CASCADE, related_name="identity")
    name = models.CharField(_("name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("identity document number"), max_length=32, blank=True)
    address = models.CharField(_("contact address"), max_length=255, blank=True)

    enterprise_lookup = None

    class Meta:
        verbose_name = _("filer identity")
        verbose_name_plural = _("filer identities")

    def __str__(self):
        return f"identity of {self.complaint_id}"

    @property
    def real_name(self) -> bool:
        return bool(self.name and (self.phone or self.email))


@audited()
class IdentityAccess(TenantModel):
    """One view of a filer's identity: who, when, through which page or endpoint."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="identity_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    via = models.CharField(_("via"), max_length=200, blank=True)

    enterprise_lookup = None

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")

    def __str__(self):
        return f"{self.user_id} saw identity of {self.complaint_id} at {self.at}"


@audited()
class Message(TenantModel):
    """A message on a complaint: the bureau's questions and replies, the filer's answers, internal notes.

    Internal notes are for staff only; the filer's status page shows the others without the author.
    """

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="messages")
    sender = models.CharField(_("from"), max_length=8, choices=Sender.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    is_question = models.BooleanField(_("question to the filer"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    enterprise_lookup = None

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [models.CheckConstraint(name="filer_messages_are_not_internal",
                                              condition=~Q(sender=Sender.FILER, internal=True))]

    def __str__(self):
        return f"{self.get_sender_display()}: {self.body[:40]}"


@audited()
class Escalation(TenantModel):
    """One escalation of a filing's statutory clock to the head of unit: due soon, or overdue.

    At most one per clock, level and due date, so that the nightly task can run twice without mailing the
    heads of unit twice; a clock whose due date moves (an extension, a stopped clock) may escalate again.
    """

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="escalations")
    deadline = models.ForeignKey("regulator.Deadline", models.CASCADE, related_name="+", verbose_name=_("deadline"))
    level = models.CharField(_("level"), max_length=16, choices=Attention.choices[1:])
    due_on = models.DateField(_("due on"))
    recipients = models.JSONField(_("heads of unit told"), default=list, blank=True)

    enterprise_lookup = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["deadline", "level", "due_on"],
                                               name="one_escalation_per_clock_level_and_due_date")]

    def __str__(self):
        return f"{self.complaint_id} {self.level} {self.due_on}"
