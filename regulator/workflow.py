"""Explicit state machines for workflows. An illegal transition answers 409 naming the allowed ones."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


class InvalidTransition(Exception):
    """Raised by a service for a transition the state machine does not allow (HTTP 409)."""

    def __init__(self, current: str, target: str, allowed: list[str]):
        self.current, self.target, self.allowed = current, target, allowed
        super().__init__(
            _("Cannot go from “%(current)s” to “%(target)s”; allowed from here: %(allowed)s.")
            % {"current": current, "target": target, "allowed": ", ".join(allowed) or _("none")}
        )


@dataclass(frozen=True)
class StateMachine:
    transitions: dict[str, tuple[str, ...]]

    def allowed_from(self, state: str) -> list[str]:
        return list(self.transitions.get(state, ()))

    def check(self, current: str, target: str) -> None:
        if target not in self.transitions.get(current, ()):
            raise InvalidTransition(current, target, self.allowed_from(current))


def transition(machine: StateMachine, obj, target: str, *, actor=None, actor_label: str = "", note: str = "",
               internal: bool = False, field: str = "status"):
    """Move ``obj`` to ``target`` and write its timeline entry, in the caller's transaction.

    The caller locks the row first (``select_for_update``), so that of two officers acting at once the
    second sees the new state and gets ``InvalidTransition`` (409) instead of acting twice.
    """
    from django.db import connection

    if not connection.in_atomic_block:
        raise RuntimeError("transition() must run inside the caller's transaction, after locking the row.")
    current = getattr(obj, field)
    machine.check(current, target)
    setattr(obj, field, target)
    obj.save()
    return record_step(obj, from_state=current, to_state=target, actor=actor, actor_label=actor_label, note=note,
                       internal=internal)


def record_step(obj, *, from_state: str, to_state: str, actor=None, actor_label: str = "", note: str = "",
                internal: bool = False):
    """A timeline entry without a state change (a note, a message) or for a change made elsewhere."""
    from django.contrib.contenttypes.models import ContentType

    from regulator.models import TimelineEntry

    signed_in = getattr(actor, "is_authenticated", False)
    return TimelineEntry.objects.create(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk), jurisdiction=obj.jurisdiction,
        actor=actor if signed_in else None, actor_label=actor_label or (str(actor) if signed_in else ""),
        from_state=from_state, to_state=to_state, note=note, internal=internal,
    )


def timeline(obj, *, include_internal: bool):
    """The subject's steps, oldest first; applicants, filers and the public get ``include_internal=False``."""
    from django.contrib.contenttypes.models import ContentType

    from regulator.models import TimelineEntry

    entries = TimelineEntry.objects.filter(subject_type=ContentType.objects.get_for_model(obj),
                                           subject_id=str(obj.pk)).select_related("actor")
    return entries if include_internal else entries.filter(internal=False)


def labelled(steps, choices) -> list:
    """Timeline entries with ``from_label`` / ``to_label``: the states named as ``choices`` (a TextChoices) does,
    for ``regulator/includes/timeline.html``."""
    labels = dict(choices.choices)
    steps = list(steps)
    for step in steps:
        step.from_label = labels.get(step.from_state, step.from_state)
        step.to_label = labels.get(step.to_state, step.to_state)
    return steps
