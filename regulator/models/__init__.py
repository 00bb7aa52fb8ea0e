from regulator.models.attachments import Attachment
from regulator.models.deadlines import CalendarDay, ClockStop, Deadline, StatutoryRule
from regulator.models.events import Event, EventDelivery
from regulator.models.people import ApiClient, User
from regulator.models.regulated import Batch, Enterprise, Product
from regulator.models.tenancy import Agency, Jurisdiction, TenantModel
from regulator.models.webhooks import Webhook, WebhookDelivery
from regulator.models.workflow import TimelineEntry

__all__ = [
    "Agency",
    "ApiClient",
    "Attachment",
    "Batch",
    "CalendarDay",
    "ClockStop",
    "Deadline",
    "Enterprise",
    "Event",
    "EventDelivery",
    "Jurisdiction",
    "Product",
    "StatutoryRule",
    "TenantModel",
    "TimelineEntry",
    "User",
    "Webhook",
    "WebhookDelivery",
]
