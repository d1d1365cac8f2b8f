"""Regions, units, people and their roles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from keyworks.core.fields import EncryptedTextField
from keyworks.core.validators import validate_credit_code


class Region(models.Model):
    """A city, district/county or functional zone (GB/T 2260 code where it has one)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县(市)")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("区划代码"), max_length=12, unique=True, null=True, blank=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort = models.PositiveIntegerField(_("排序"), default=0)
    boundary = models.JSONField(_("边界 GeoJSON"), null=True, blank=True)

    class Meta:
        ordering = ["sort", "code", "name"]
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A government department, district office or enterprise."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "hq", _("指挥部")
        DEPARTMENT = "department", _("职能部门")
        DISTRICT = "district", _("县(市、区)政府")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name


class PlatformRole(models.TextChoices):
    """The platform's three administrators (三员分立, GB/T 22239): each sees only its own
    part and none of them reads programme data."""

    SYSTEM = "system", _("系统管理员")  # accounts and configuration
    SECURITY = "security", _("安全管理员")  # platform roles, lockouts, security policy
    AUDIT = "audit", _("审计管理员")  # reads the security log and the change log


class User(AbstractUser):
    """A person who signs in. Display name is the Chinese full name."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("电话"), max_length=30, blank=True)
    email = EncryptedTextField(_("电子邮箱"), max_length=254, blank=True, email=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The programme whose office manages this account (its name, password, active flag).
    # Null: a platform account, managed only by the platform's administrators. An office
    # never manages an account another programme owns, even one holding roles in both.
    home_programme = models.ForeignKey(
        "ledger.Programme",
        verbose_name=_("所属计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="home_users",
    )

    platform_role = models.CharField(
        _("平台管理角色"), max_length=10, choices=PlatformRole.choices, blank=True
    )
    # Set when someone else set the password (an office, an administrator): the person
    # changes it at the next sign-in before doing anything else.
    password_change_required = models.BooleanField(_("须修改密码"), default=False)
    # Part of the session hash: raising it signs the person out of every session.
    session_epoch = models.PositiveIntegerField(default=0)
    # The language the person chose on the profile page ("" follows the browser); applied
    # at sign-in and on every request (accounts.language).
    language = models.CharField(
        _("界面语言"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django checks this against the session on every request: it changes with the
        password (as in Django) and with `session_epoch` ("sign out everywhere")."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "keyworks.orgs.User.session",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Role(models.TextChoices):
    LEADER = "leader", _("指挥部领导")
    OFFICE = "office", _("指挥部办公室")
    TASKFORCE = "taskforce", _("项目专班")
    DISTRICT = "district", _("县(市、区)")
    DEPARTMENT = "department", _("职能部门")
    INSPECTOR = "inspector", _("督导")


class RoleAssignment(models.Model):
    """A role a person holds in one programme, scoped to a task force, district or unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    programme = models.ForeignKey(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    task_force = models.ForeignKey(
        "ledger.TaskForce",
        verbose_name=_("专班"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role", "task_force", "region", "unit"],
                name="unique_role_assignment",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    models.Q(role="taskforce", task_force__isnull=False)
                    | models.Q(role="district", region__isnull=False)
                    | models.Q(role="department", unit__isnull=False)
                    | models.Q(role__in=["leader", "office", "inspector"])
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.task_force or self.region or self.unit or self.programme
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=50)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
