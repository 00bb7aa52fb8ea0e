"""Public read functions of the traceability app; other apps read it only through these."""

from traceability.choices import DiscrepancyStatus
from traceability.models import Discrepancy, Recall


def open_discrepancies(actor):
    return Discrepancy.objects.visible_to(actor).filter(status=DiscrepancyStatus.OPEN)


def confirmed_discrepancy_count(actor, enterprise_id: int) -> int:
    return Discrepancy.objects.visible_to(actor).filter(enterprise_id=enterprise_id,
                                                        status=DiscrepancyStatus.CONFIRMED).count()


def recalls(actor):
    return Recall.objects.visible_to(actor).select_related("product", "batch")
