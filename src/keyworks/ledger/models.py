"""Programmes, categories, task forces, projects, milestones and photos (the 台账)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.fields import EncryptedTextField, MoneyField
from keyworks.core.permissions import RestrictedQuerySet
from keyworks.core.validators import validate_project_code


class Programme(models.Model):
    """A year-bound portfolio (e.g. 焦作市2025年三十工程); programmes may nest."""

    code = models.SlugField(_("计划代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveIntegerField(_("年度"))
    region = models.ForeignKey("orgs.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    report_due_day = models.PositiveSmallIntegerField(_("月报截止日"), default=3)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("项目计划")
        verbose_name_plural = _("项目计划")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["programme", "sort", "code"]
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_category_code"),
            models.UniqueConstraint(fields=["programme", "name"], name="unique_category_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("县级")


class Stage(models.TextChoices):
    PLANNED = "planned", _("谋划")
    PREPARATION = "preparation", _("前期")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工投产")


class TaskForce(models.Model):
    """一项目一专班: the task force serving one project."""

    name = models.CharField(_("专班名称"), max_length=100)
    lead_official = models.CharField(_("牵头市领导"), max_length=50, blank=True)
    lead_title = models.CharField(_("领导职务"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("项目专班")
        verbose_name_plural = _("项目专班")

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_force_memberships",
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("专班职务"), max_length=50, blank=True)
    unit_name = models.CharField(_("单位"), max_length=100, blank=True)
    phone = EncryptedTextField(_("联系电话"), max_length=30, blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task_force", "sort", "id"]
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    seq = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("项目名称"), max_length=200)
    code = models.CharField(
        _("项目代码"), max_length=24, blank=True, validators=[validate_project_code]
    )
    category = models.ForeignKey(
        Category, verbose_name=_("项目类别"), on_delete=models.PROTECT, related_name="projects"
    )
    grade = models.CharField(
        _("项目级别"), max_length=12, choices=Grade.choices, default=Grade.CITY
    )
    stage = models.CharField(
        _("建设阶段"), max_length=12, choices=Stage.choices, default=Stage.PREPARATION
    )
    districts = models.ManyToManyField(
        "orgs.Region", verbose_name=_("所在县(市、区)"), related_name="projects", blank=True
    )
    address = models.CharField(_("建设地点"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    geometry = models.JSONField(_("线路坐标"), null=True, blank=True)
    owner = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("业主单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    responsible_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_projects",
    )
    task_force = models.OneToOneField(
        TaskForce,
        verbose_name=_("项目专班"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    total_investment = MoneyField(_("总投资（万元）"))
    completed_investment = MoneyField(_("累计完成投资（万元）"), default=Decimal("0"))
    # 开工累计 = this + the accepted monthly reports (reporting.since_start). Written when the
    # project enters the ledger (= its 累计完成投资 then); it moves only with a change of the
    # ledger's 累计完成投资 by hand (by the same amount, in the same audited update), never
    # with a report's acceptance or reopening, which move 累计完成投资 alone.
    completed_before_reports = MoneyField(
        _("首份月报前累计完成投资（万元）"),
        default=Decimal("0"),
        help_text=_("项目首份月报之前台账上的累计完成投资；开工累计 = 此数 + 此后已采纳月报"),
    )
    annual_investment = MoneyField(_("年度计划投资（万元）"), null=True, blank=True)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_finish = models.DateField(_("计划竣工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_finish = models.DateField(_("实际竣工"), null=True, blank=True)
    content = models.TextField(_("建设内容"), blank=True)
    annual_target = models.TextField(_("年度目标"), blank=True)
    output_indicators = models.TextField(_("实物产出指标"), blank=True)
    district_progress = models.TextField(_("县区推进情况"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archive_reason = models.CharField(_("归档原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "category__sort", "seq"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="unique_project_code",
                condition=~models.Q(code=""),
            ),
            models.UniqueConstraint(fields=["programme", "name"], name="unique_project_name"),
        ]
        indexes = [
            models.Index(fields=["programme", "stage"]),
            models.Index(fields=["programme", "seq"]),
        ]

    def __init__(self, *args, **kwargs):
        # A project enters the ledger before any report of it: the part of its 累计完成投资
        # before the reports is all of it, however the row is made (the services, imports
        # and the demo in bulk, tests). Rows read from the database come positionally.
        if not args and "completed_before_reports" not in kwargs:
            kwargs["completed_before_reports"] = kwargs.get("completed_investment") or Decimal("0")
        super().__init__(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100)
    planned_date = models.DateField(_("计划完成"))
    actual_date = models.DateField(_("实际完成"), null=True, blank=True)
    # 倒排工期: the schedule chart derives planned dates backward from the project's
    # planned finish (dashboards.schedule.derive_backward).
    duration_days = models.PositiveIntegerField(
        verbose_name=_("工期（天）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("从上一节点完成到本节点完成所需天数，用于倒排工期"),
    )
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "planned_date", "sort"]
        verbose_name = _("节点")
        verbose_name_plural = _("节点")

    def __str__(self) -> str:
        return self.name


def photo_path(instance: "Photo", filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class Photo(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=photo_path)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-uploaded_at"]
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.caption or self.image.name


def districts_prefetch(*, names_only: bool = False) -> models.Prefetch:
    """Prefetch projects' districts without their boundary polygons (large, unused in lists).

    `names_only` loads just id and name into a plain list `project.district_list`, which is
    what exports read 10,000 times (a related manager's `.all()` costs a queryset each)."""
    from keyworks.orgs.models import Region

    if names_only:
        regions = Region.objects.only("id", "name")
        return models.Prefetch("districts", queryset=regions, to_attr="district_list")
    return models.Prefetch("districts", queryset=Region.objects.defer("boundary"))
