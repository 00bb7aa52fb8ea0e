"""Where apps plug into the web shell: navigation entries, start-page panels and event labels.

The kernel knows no domain app. Each app registers its entries from ``AppConfig.ready()``, and the
shell shows an entry to those whose kind and roles it names.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from regulator.choices import Role, UserKind

STAFF_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class Audience:
    kinds: frozenset[str] = frozenset({UserKind.STAFF})
    roles: frozenset[str] | None = None  # None: any role of those kinds

    def admits(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.kind == UserKind.PLATFORM:
            return UserKind.PLATFORM in self.kinds
        if user.kind not in self.kinds:
            return False
        return self.roles is None or user.kind != UserKind.STAFF or bool(self.roles & set(user.roles))


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    audience: Audience
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A start-page panel. ``context(request)`` returns a dict; the panel's template receives it as
    ``data`` (and the panel itself as ``panel``), inside the request's tenant scope."""

    key: str
    title: str
    template: str
    audience: Audience
    context: Callable = field(default=lambda request: {})
    order: int = 100
    wide: bool = False  # takes a whole row of the start page (panels with wide tables)


@dataclass(frozen=True)
class PublicLink:
    """A service for the public (no login) shown on the front page: verify a licence, file a complaint …"""

    key: str
    label: str
    url_name: str
    order: int = 100


_public_links: dict[str, PublicLink] = {}


def add_public_link(link: PublicLink) -> None:
    _public_links[link.key] = link


def public_links() -> list[PublicLink]:
    return sorted(_public_links.values(), key=lambda link: link.order)


_nav: dict[str, NavItem] = {}
_panels: dict[str, Panel] = {}
_event_labels: dict[str, str] = {}


def add_nav(item: NavItem) -> None:
    _nav[item.key] = item


def add_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def add_event_label(kind: str, label: str) -> None:
    """A readable name for an event kind, shown next to the kind's code in activity lists."""
    _event_labels[kind] = label


def event_label(kind: str) -> str:
    return _event_labels.get(kind, "")


def label_events(events) -> list:
    """Evaluate ``events`` and give each a ``label`` attribute for the templates."""
    events = list(events)
    for event in events:
        event.label = event_label(event.kind)
    return events


def nav_for(user) -> list[NavItem]:
    return sorted((item for item in _nav.values() if item.audience.admits(user)), key=lambda i: i.order)


def panels_for(user) -> list[Panel]:
    return sorted((panel for panel in _panels.values() if panel.audience.admits(user)), key=lambda p: p.order)


def register_kernel_entries() -> None:
    from regulator.web import panels

    staff = Audience()
    everyone = Audience(kinds=frozenset({UserKind.STAFF, UserKind.PLATFORM}))
    add_nav(NavItem("start", _("My work"), "start", Audience(kinds=frozenset(
        {UserKind.STAFF, UserKind.ENTERPRISE, UserKind.PLATFORM})), order=0))
    add_nav(NavItem("dashboard", _("Dashboard"), "dashboard", everyone, order=10))
    add_nav(NavItem("enterprises", _("Enterprises"), "enterprise-list", everyone, order=20))
    add_nav(NavItem("events", _("Event log"), "event-list",
                    Audience(roles=frozenset({Role.ANALYST, Role.AGENCY_ADMIN, Role.APPROVER})), order=80))
    add_nav(NavItem("api-clients", _("API clients"), "agency-clients",
                    Audience(roles=frozenset({Role.AGENCY_ADMIN})), order=85))
    add_nav(NavItem("api-docs", _("API"), "api-docs", everyone, order=90))

    add_event_label("enterprise.registered", _("Enterprise registered"))
    add_event_label("enterprise.updated", _("Enterprise details changed"))
    add_event_label("product.registered", _("Product registered"))
    add_event_label("deadline.overdue", _("Statutory deadline overdue"))

    add_panel(Panel("deadlines", _("Statutory deadlines due"), "regulator/panels/deadlines.html",
                    Audience(roles=frozenset({Role.REVIEWER, Role.APPROVER, Role.OFFICER})), panels.deadlines, 10,
                    wide=True))
    add_panel(Panel("register", _("Enterprise register"), "regulator/panels/register.html", staff,
                    panels.register_summary, 20))
    add_panel(Panel("events", _("Recent activity"), "regulator/panels/events.html",
                    Audience(roles=frozenset({Role.OFFICER, Role.ANALYST, Role.AGENCY_ADMIN, Role.APPROVER})),
                    panels.recent_events, 30))
    add_panel(Panel("agency", _("My agency"), "regulator/panels/agency.html",
                    Audience(roles=frozenset({Role.AGENCY_ADMIN})), panels.agency_people, 40))
    add_panel(Panel("my-enterprise", _("My enterprise"), "regulator/panels/my_enterprise.html",
                    Audience(kinds=frozenset({UserKind.ENTERPRISE})), panels.my_enterprise, 10))
