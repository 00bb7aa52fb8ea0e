"""Public read functions of the licensing app; other apps read it only through these."""

import re

from licensing.choices import ApplicationStatus, LicenceStatus
from licensing.models import Application, Licence, LicenceType
from regulator.tenancy import rls_bypass

PUBLIC_FIELDS = ("public_id", "number", "holder_name", "credit_code", "address", "business_scope", "status",
                 "issued_on", "valid_from", "valid_until", "licence_type__name", "licence_type__code",
                 "issuing_agency__name_zh", "issuing_agency__name_en")


def licences_for(actor):
    return Licence.objects.visible_to(actor).select_related("licence_type", "enterprise", "issuing_agency")


def applications_for(actor):
    return Application.objects.visible_to(actor).select_related("licence_type", "enterprise", "licence")


def active_licences_of(actor, enterprise_id: int):
    return licences_for(actor).filter(enterprise_id=enterprise_id,
                                      status__in=(LicenceStatus.ACTIVE, LicenceStatus.EXPIRING))


def licence_types():
    return LicenceType.objects.all()


def overdue_applications(actor):
    return applications_for(actor).filter(overdue=True).exclude(
        status__in=(ApplicationStatus.ISSUED, ApplicationStatus.DENIED, ApplicationStatus.NOT_ACCEPTED))


CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def public_register_search(query: str, *, limit: int = 50) -> list[dict]:
    """The public register (no login): by credit code or licence number (exact, indexed), else by holder name
    (contains). Only what a certificate shows: never the legal representative or the responsible pharmacist."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    with rls_bypass("public licence register"):
        licences = Licence.objects.order_by("holder_name", "id").values(*PUBLIC_FIELDS)
        if CREDIT_CODE.fullmatch(query.upper()):
            return list(licences.filter(credit_code=query.upper())[:limit])
        by_number = list(licences.filter(number=query)[:limit])
        if by_number:
            return by_number
        ids = list(Licence.objects.filter(holder_name__contains=query).order_by("holder_name", "id")
                   .values_list("id", flat=True)[:limit])
        return list(licences.filter(id__in=ids))


def public_licence(public_id) -> dict | None:
    with rls_bypass("public licence verification"):
        return Licence.objects.filter(public_id=public_id).values(*PUBLIC_FIELDS).first()
