"""The bi-monthly progress meeting (两个月一推进、较短比长): the scoring scheme per programme
and the published (frozen) rankings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The parts of a score, in display order: (code, label, default weight).
PARTS = (
    ("investment", _("投资完成（对比序时进度）"), 40),
    ("milestones", _("节点按期完成"), 20),
    ("problems", _("问题按期解决"), 20),
    ("reports", _("按时报送"), 10),
    ("verification", _("核验差距"), 10),
)
PART_LABELS = {code: label for code, label, _weight in PARTS}


class RankingScheme(models.Model):
    """How a programme scores its task forces, districts and projects. Without a row the
    defaults apply (`for_programme`). Weights are points and add up to 100."""

    programme = models.OneToOneField(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="ranking_scheme",
    )
    weight_investment = models.PositiveSmallIntegerField(_("投资完成（对比序时进度）"), default=40)
    weight_milestones = models.PositiveSmallIntegerField(_("节点按期完成"), default=20)
    weight_problems = models.PositiveSmallIntegerField(_("问题按期解决"), default=20)
    weight_reports = models.PositiveSmallIntegerField(_("按时报送"), default=10)
    weight_verification = models.PositiveSmallIntegerField(_("核验差距"), default=10)
    red_count = models.PositiveSmallIntegerField(_("红榜名额"), default=3)
    black_count = models.PositiveSmallIntegerField(_("黑榜名额"), default=3)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("排名计分方案")
        verbose_name_plural = _("排名计分方案")

    def __str__(self) -> str:
        return f"{self.programme} 排名计分方案"

    @classmethod
    def for_programme(cls, programme) -> "RankingScheme":
        """The programme's scheme, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(programme=programme).first() or cls(programme=programme)

    def weights(self) -> dict[str, int]:
        return {code: getattr(self, f"weight_{code}") for code, _label, _w in PARTS}

    def as_json(self) -> dict:
        return {"weights": self.weights(), "red": self.red_count, "black": self.black_count}


class RankingSnapshot(models.Model):
    """A published ranking: the period's rows frozen as they were when the office
    published them, so later data changes do not alter it."""

    programme = models.ForeignKey(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="ranking_snapshots",
    )
    start_month = models.DateField(_("起始月份"))
    scheme = models.JSONField(_("计分方案"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["programme", "start_month"]
        verbose_name = _("已发布排名")
        verbose_name_plural = _("已发布排名")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "start_month"], name="unique_ranking_snapshot_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.start_month:%Y-%m} 排名"


class RankingRow(models.Model):
    """One ranked task force, district or project of a published ranking."""

    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="rows")
    dimension = models.CharField(_("维度"), max_length=12)
    group_key = models.CharField(_("分组"), max_length=40, blank=True)
    group_label = models.CharField(_("分组名称"), max_length=100, blank=True)
    key = models.CharField(_("对象"), max_length=40, blank=True)
    label = models.CharField(_("名称"), max_length=200)
    position = models.PositiveIntegerField(_("顺序"))
    rank = models.PositiveIntegerField(_("名次"))
    total = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    parts = models.JSONField(_("分项"))

    class Meta:
        ordering = ["snapshot", "dimension", "position"]
        verbose_name = _("排名行")
        verbose_name_plural = _("排名行")

    def __str__(self) -> str:
        return f"{self.label} 第{self.rank}名"


class RankingEntry(models.Model):
    """One row of a period's live (unpublished) ranking, kept by `rankings.stored`: a
    project's score and the figures it is made of, or a task force's or district's score
    from the sum of its projects' figures. Derived data: rows are scored again, with
    `rankings.scoring`, when their projects' stored figures move; pages rank, sort,
    search and page them in SQL."""

    programme_id = models.BigIntegerField()
    start_month = models.DateField()
    dimension = models.CharField(max_length=12)
    group_key = models.CharField(max_length=40, blank=True)  # project rows: the category
    group_label = models.CharField(max_length=100, blank=True)
    group_sort = models.BigIntegerField(default=0)
    group_sort_id = models.BigIntegerField(default=0)
    key = models.CharField(max_length=40, blank=True)
    label = models.CharField(max_length=200)
    # The ledger-order tie break of equal totals (scoring.RankRow.sort_key).
    sort1 = models.BigIntegerField()
    sort2 = models.CharField(max_length=64, blank=True)
    sort3 = models.BigIntegerField()
    total = models.DecimalField(max_digits=6, decimal_places=2)
    parts = models.JSONField()
    no_verification = models.BooleanField(default=False)
    # Project rows: what groups them, and their figures (summed for the groups).
    project_id = models.BigIntegerField(null=True)
    task_force_id = models.BigIntegerField(null=True)
    districts = models.JSONField(null=True)
    figures = models.JSONField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["programme_id", "start_month", "dimension", "group_key", "total"],
                name="ranking_entry_table",
            ),
            models.Index(
                fields=["programme_id", "start_month", "dimension", "key"],
                name="ranking_entry_key",
            ),
            models.Index(
                fields=["programme_id", "start_month", "project_id"], name="ranking_entry_project"
            ),
            models.Index(
                fields=["programme_id", "start_month", "task_force_id"],
                name="ranking_entry_task_force",
            ),
        ]


class RankingState(models.Model):
    """Per programme and period: up to which stored-figures stamp, for which scheme and
    which clock the live ranking's rows are kept. Its row is the lock updates take."""

    programme_id = models.BigIntegerField()
    start_month = models.DateField()
    stamp = models.BigIntegerField(default=-1)
    scheme = models.JSONField(null=True)
    clock = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "start_month"], name="one_ranking_state_per_period"
            )
        ]
