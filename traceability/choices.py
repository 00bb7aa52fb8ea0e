from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.IntegerChoices):
    """Stored as a small integer: the event table holds tens of millions of rows."""

    COMMISSIONING = 1, _("Commissioning")
    PACKING = 2, _("Packing")
    UNPACKING = 3, _("Unpacking")
    SHIPPING = 4, _("Shipping")
    RECEIVING = 5, _("Receiving")
    DISPENSING = 6, _("Dispensing / vaccination")
    RETURN = 7, _("Return")
    DESTRUCTION = 8, _("Destruction")
    QUARANTINE = 9, _("Quarantine")


# Names accepted in files and the API, including the CBV business steps (reference/RULES.md).
KIND_NAMES = {
    "commissioning": EventKind.COMMISSIONING, "packing": EventKind.PACKING, "unpacking": EventKind.UNPACKING,
    "shipping": EventKind.SHIPPING, "receiving": EventKind.RECEIVING, "dispensing": EventKind.DISPENSING,
    "vaccination": EventKind.DISPENSING, "return": EventKind.RETURN, "returning": EventKind.RETURN,
    "destruction": EventKind.DESTRUCTION, "destroying": EventKind.DESTRUCTION,
    "decommissioning": EventKind.DESTRUCTION, "quarantine": EventKind.QUARANTINE,
}


class CodeStatus(models.TextChoices):
    ACTIVE = "active", _("In stock")
    IN_TRANSIT = "in_transit", _("In transit")
    DISPENSED = "dispensed", _("Dispensed")
    DESTROYED = "destroyed", _("Destroyed")
    RECALLED = "recalled", _("Recalled")


class CodeType(models.TextChoices):
    NMPA = "nmpa", _("NMPA drug traceability code")
    SGTIN = "sgtin", _("GS1 serialised item (SGTIN)")
    SSCC = "sscc", _("GS1 logistic unit (SSCC)")


class JobSource(models.TextChoices):
    API = "api", _("API")
    EPCIS = "epcis", _("EPCIS document")
    CSV = "csv", _("CSV file")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed (nothing stored)")


class DiscrepancyRule(models.TextChoices):
    SHIPPED_NOT_RECEIVED = "shipped_not_received", _("Shipped but not received")
    RECEIVED_WITHOUT_SHIPMENT = "received_without_shipment", _("Received without a matching shipment")
    DISPENSED_TWICE = "dispensed_twice", _("Dispensed twice")
    DISPENSED_NOT_HELD = "dispensed_not_held", _("Dispensed more than received")
    COMMISSIONED_TWICE = "commissioned_twice", _("Commissioned twice")
    EVENT_AFTER_END = "event_after_end", _("Event after destruction or dispensing")
    DISPENSED_AFTER_EXPIRY = "dispensed_after_expiry", _("Dispensed after expiry")
    UNLICENSED_RECIPIENT = "unlicensed_recipient", _("Shipped to an enterprise without a valid licence")
    VACCINE_UNACCOUNTED = "vaccine_unaccounted", _("Vaccine dose neither administered nor in stock")


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")
    CONFIRMED = "confirmed", _("Confirmed")


class RecallStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Ended")
    REJECTED = "rejected", _("Rejected")


class RecallTaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
