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
