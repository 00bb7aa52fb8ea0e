"""Public read functions of the licensing app; other apps read it only through these."""

import re

from licensing.choices import ApplicationStatus, LicenceStatus
from licensing.models import Application, Licence, LicenceType
from regulator.search import contains_text
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
        return list(contains_text(licences, "holder_name", query)[:limit])


def public_licence(public_id) -> dict | None:
    with rls_bypass("public licence verification"):
        return Licence.objects.filter(public_id=public_id).values(*PUBLIC_FIELDS).first()


# Which licence types let an enterprise receive a product class (Drug Administration Law art. 51; SAMR Order 54).
# Vaccines go to disease-control centres and vaccination sites, which hold no licence of this catalogue.
LICENCES_FOR_PRODUCT_KIND = {
    "drug": ("drug_retail_single", "drug_retail_chain_store", "drug_chain_hq", "drug_wholesale", "drug_production"),
    "device": ("device_business_class3", "device_filing_class2"),
}


def enterprises_without_valid_licence(*, product_kinds) -> list[tuple[int, str]]:
    """(enterprise id, product kind) for each enterprise of a type that needs a licence for that kind but holds
    no valid one (active or expiring). For the nightly traceability reconciliation, province-wide."""
    from regulator.models import Enterprise

    pairs = []
    with rls_bypass("traceability: who may receive which products"):
        for kind in product_kinds:
            codes = LICENCES_FOR_PRODUCT_KIND.get(kind)
            if not codes:
                continue
            needing = {t for types in LicenceType.objects.filter(code__in=codes).values_list("enterprise_types",
                                                                                            flat=True) for t in types}
            licensed = Licence.objects.filter(licence_type__code__in=codes,
                                              status__in=(LicenceStatus.ACTIVE, LicenceStatus.EXPIRING))
            pairs += [(pk, kind) for pk in Enterprise.objects.filter(enterprise_type__in=needing)
                      .exclude(pk__in=licensed.values("enterprise_id")).values_list("pk", flat=True)]
    return pairs
