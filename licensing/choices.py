from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuingLevel(models.TextChoices):
    COUNTY = "county", _("District / county agency")
    CITY = "city", _("City agency")
    PROVINCE = "province", _("Provincial agency")


class ApplicationKind(models.TextChoices):
    NEW = "new", _("New licence")
    RENEWAL = "renewal", _("Renewal")
    CHANGE = "change", _("Change")
    CANCELLATION = "cancellation", _("Cancellation")


class ChangeKind(models.TextChoices):
    ADDRESS = "address", _("Address")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    RESPONSIBLE_PHARMACIST = "responsible_pharmacist", _("Responsible pharmacist")
    BUSINESS_SCOPE = "business_scope", _("Business scope")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    INSPECTION = "inspection", _("On-site inspection")
    PENDING_DECISION = "pending_decision", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    ISSUED = "issued", _("Licence issued")
    FILED = "filed", _("Filed")
    DEEMED_GRANTED = "deemed_granted", _("Deemed granted")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Valid")
    EXPIRING = "expiring", _("Valid, renewal due")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
