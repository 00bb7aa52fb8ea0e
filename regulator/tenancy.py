"""Who sees what (DESIGN.md, "Tenancy").

``scope_for(actor)`` turns an actor into a ``Scope``: the jurisdictions it may see and, for
enterprise users and systems, the one enterprise. ``TenantQuerySet.visible_to`` applies it in Python;
``rls_scope`` applies it again in PostgreSQL, where row-level security policies on every tenant table
hide whatever a forgotten filter would have let through. ``rls_bypass`` is the one, named, way out.
"""

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection

from regulator.choices import UserKind
from regulator.rls import ROLE

logger = logging.getLogger(__name__)

_active_scope: contextvars.ContextVar["Scope | None"] = contextvars.ContextVar("regulator_scope", default=None)


@dataclass(frozen=True)
class Scope:
    """``jurisdiction_ids`` None means unrestricted (platform administrators only)."""

    jurisdiction_ids: frozenset[int] | None
    enterprise_id: int | None = None
    label: str = ""

    @property
    def unrestricted(self) -> bool:
        return self.jurisdiction_ids is None

    def filter(self, queryset):
        if self.unrestricted:
            return queryset
        queryset = queryset.filter(jurisdiction_id__in=self.jurisdiction_ids)
        if self.enterprise_id is not None:
            lookup = queryset.model.enterprise_lookup
            if lookup is None:
                return queryset.none()
            queryset = queryset.filter(**{lookup: self.enterprise_id})
        return queryset

    def includes_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.unrestricted or jurisdiction_id in self.jurisdiction_ids


NOTHING = Scope(frozenset(), None, "nobody")
EVERYTHING = Scope(None, None, "platform")


def scope_for(actor) -> Scope:
    """The scope of a user, machine client or anonymous visitor; cached on the actor object."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return NOTHING
    cached = getattr(actor, "_regulator_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(actor)
    actor._regulator_scope = scope
    return scope


def _compute_scope(actor) -> Scope:
    from regulator.models import Jurisdiction

    if actor.kind == UserKind.PLATFORM and actor.is_superuser:
        return EVERYTHING
    if actor.agency_id is not None:
        jurisdiction = actor.agency.jurisdiction
        return Scope(Jurisdiction.objects.subtree_ids(jurisdiction), None, jurisdiction.code)
    if actor.enterprise_id is not None:
        enterprise = actor.enterprise
        return Scope(frozenset({enterprise.jurisdiction_id}), enterprise.id, enterprise.credit_code)
    return NOTHING


def _set_db_scope(scope: Scope) -> None:
    ids = "{" + ",".join(str(pk) for pk in sorted(scope.jurisdiction_ids)) + "}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('regulator.scope_ids', %s, true)", [ids])
        cursor.execute(f"SET LOCAL ROLE {ROLE}")


def _clear_db_scope() -> None:
    if connection.connection is None or connection.needs_rollback:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute("SELECT set_config('regulator.scope_ids', '', true)")
    except DatabaseError:
        # The transaction is already aborted; its rollback resets the role anyway.
        logger.debug("tenant scope left to the rollback")


@contextmanager
def rls_scope(actor_or_scope):
    """Run the block under the actor's row-level security scope. Needs an open transaction."""
    scope = actor_or_scope if isinstance(actor_or_scope, Scope) else scope_for(actor_or_scope)
    if scope.unrestricted:
        yield scope
        return
    if not connection.in_atomic_block:
        raise RuntimeError("rls_scope() needs a transaction: SET LOCAL lasts only until it ends.")
    token = _active_scope.set(scope)
    _set_db_scope(scope)
    try:
        yield scope
    finally:
        _active_scope.reset(token)
        _clear_db_scope()


@contextmanager
def rls_bypass(reason: str):
    """Leave the tenant scope for the block, for a named province-wide purpose (e.g. nightly scoring).

    Outside a scope (Celery tasks, commands) the database applies no policy anyway; the name is logged
    either way so that every bypass is visible and searchable.
    """
    if not reason:
        raise ValueError("rls_bypass() needs a reason")
    logger.info("row-level security bypass: %s", reason)
    scope = _active_scope.get()
    if scope is None:
        yield
        return
    token = _active_scope.set(None)
    _clear_db_scope()
    try:
        yield
    finally:
        _active_scope.reset(token)
        _set_db_scope(scope)


class GuardsScopedQueryset:
    """Mixin of the scoped base views (API and web): a subclass may not override ``get_queryset``.

    Overriding it would silently drop the tenant scoping; subclasses refine ``scoped_queryset()``.
    Only the base classes that apply the scope say ``applies_scoping = True``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ and not cls.__dict__.get("applies_scoping"):
            raise TypeError(
                f"{cls.__name__} overrides get_queryset(), which would bypass tenant scoping; "
                "refine the queryset in scoped_queryset() instead."
            )


def active_scope() -> Scope | None:
    return _active_scope.get()
