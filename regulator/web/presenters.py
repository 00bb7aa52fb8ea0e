"""Presentation helpers: turn kernel data into what a template can show. No business rules here."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from regulator.choices import UserKind


def _action_labels() -> dict[str, str]:
    return {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}


def _field_for(model, column: str):
    for field in model._meta.concrete_fields:
        if column in (field.attname, field.column, field.name):
            return field
    raise FieldDoesNotExist(column)


def _display(field, value, viewer):
    if value is None or field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        queryset = field.related_model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(viewer)
        related = queryset.filter(pk=value).first()
        return str(related) if related is not None else value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def describe_history(model, entries: list[dict], *, viewer) -> list[dict]:
    """Add readable labels to ``regulator.audit.history`` entries: field names, choice labels, actions.

    Related tenant rows are looked up within the viewer's scope, so a reference the viewer may not
    see shows as its raw id rather than its name.
    """
    actions = _action_labels()
    kinds = {**dict(UserKind.choices), "system": _("system")}
    for entry in entries:
        entry["action_label"] = actions.get(entry["action"], entry["action"])
        entry["actor_kind_label"] = kinds.get(entry["actor_kind"], entry["actor_kind"])
        fields = []
        for column, change in entry["changes"].items():
            try:
                field = _field_for(model, column)
                label = str(field.verbose_name)
            except FieldDoesNotExist:
                field, label = None, column
            if getattr(field, "auto_now", False):
                continue  # the "updated" timestamp changes with every save; the entry has the time
            fields.append({"name": column, "label": label[:1].upper() + label[1:],
                           "old": _display(field, change["from"], viewer),
                           "new": _display(field, change["to"], viewer)})
        entry["fields"] = fields
    return entries
