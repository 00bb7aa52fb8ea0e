from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regulator.audit import audited
from regulator.choices import ApiScope, Role, UserKind


@audited(exclude=["password", "last_login"])
class User(AbstractUser):
    """Anyone who logs in or calls the API: regulator staff, enterprise users, machine clients.

    Staff and agency-bound machine clients act for an agency; enterprise users and enterprise
    systems act for one enterprise. What each may see follows from that (regulator/tenancy.py).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    agency = models.ForeignKey(
        "regulator.Agency", models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("agency")
    )
    enterprise = models.ForeignKey(
        "regulator.Enterprise", models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("enterprise"),
    )
    roles = ArrayField(
        models.CharField(max_length=16, choices=Role.choices), default=list, blank=True, verbose_name=_("roles")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_binding_matches_kind",
                condition=(
                    Q(kind=UserKind.STAFF, agency__isnull=False, enterprise__isnull=True)
                    | Q(kind=UserKind.ENTERPRISE, agency__isnull=True, enterprise__isnull=False)
                    | Q(kind=UserKind.MACHINE, agency__isnull=False, enterprise__isnull=True)
                    | Q(kind=UserKind.MACHINE, agency__isnull=True, enterprise__isnull=False)
                    | Q(kind=UserKind.PLATFORM, agency__isnull=True, enterprise__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.kind == UserKind.STAFF and any(role in self.roles for role in roles)

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def is_enterprise_user(self) -> bool:
        return self.kind == UserKind.ENTERPRISE

    @property
    def is_machine(self) -> bool:
        return self.kind == UserKind.MACHINE


@audited()
class ApiClient(models.Model):
    """A provincial or enterprise system's credentials: a machine user, its scopes, revocable."""

    user = models.OneToOneField(User, models.CASCADE, related_name="api_client")
    name = models.CharField(_("name"), max_length=128)
    scopes = ArrayField(models.CharField(max_length=8, choices=ApiScope.choices), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    @property
    def can_write(self) -> bool:
        return ApiScope.WRITE in self.scopes and self.revoked_at is None
