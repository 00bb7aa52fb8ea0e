from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("District / county")


class UserKind(models.TextChoices):
    STAFF = "staff", _("Regulator staff")
    ENTERPRISE = "enterprise", _("Enterprise user")
    MACHINE = "machine", _("Machine client")
    PLATFORM = "platform", _("Platform administrator")


class Role(models.TextChoices):
    OFFICER = "officer", _("Intake officer")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver (head of unit)")
    INSPECTOR = "inspector", _("Inspector")
    ANALYST = "analyst", _("Analyst (monitoring centre)")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")


class ApiScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class EnterpriseType(models.TextChoices):
    DRUG_MANUFACTURER = "drug_manufacturer", _("Drug manufacturer")
    PACKAGING_MANUFACTURER = "packaging_manufacturer", _("Drug packaging-material manufacturer")
    HOSPITAL_PREPARATION = "hospital_preparation", _("Hospital preparation unit")
    WHOLESALER = "wholesaler", _("Drug wholesaler")
    RETAIL_CHAIN_HQ = "retail_chain_hq", _("Retail chain headquarters")
    CHAIN_STORE = "chain_store", _("Chain store")
    PHARMACY = "pharmacy", _("Single pharmacy")
    HOSPITAL = "hospital", _("Hospital / clinic")
    DEVICE_MANUFACTURER = "device_manufacturer", _("Medical device manufacturer")
    DEVICE_DISTRIBUTOR = "device_distributor", _("Medical device distributor")
    COSMETICS_MANUFACTURER = "cosmetics_manufacturer", _("Cosmetics manufacturer")
    VACCINE_DISTRIBUTOR = "vaccine_distributor", _("Vaccine distributor / disease control centre")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class ProductKind(models.TextChoices):
    DRUG = "drug", _("Drug")
    VACCINE = "vaccine", _("Vaccine")
    DEVICE = "device", _("Medical device")
    COSMETIC = "cosmetic", _("Cosmetic")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")
    MONTHS = "months", _("Months")


class DeadlineStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Clock stopped")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Delivered")
    FAILED = "failed", _("Failed")
