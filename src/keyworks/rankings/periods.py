"""Two-month periods of a programme's year: Jan–Feb (1), Mar–Apr (2), … Nov–Dec (6)."""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from keyworks.reporting.measures import default_month, month_end

BAD_PERIOD = gettext_lazy("期次格式应为 YYYY-MM（单月起始，如 2025-09）")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    index: int  # 1..6

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, 2 * self.index - 1, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, 2 * self.index, 1)

    @property
    def start(self) -> datetime.date:
        return self.first

    @property
    def end(self) -> datetime.date:
        return month_end(self.last)

    @property
    def code(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def months_label(self) -> str:
        return gettext("%(first)s-%(last)s月") % {
            "first": 2 * self.index - 1,
            "last": 2 * self.index,
        }

    @property
    def label(self) -> str:
        return gettext("%(year)s年%(months)s") % {"year": self.year, "months": self.months_label}

    def previous(self) -> "Period | None":
        """The period before, inside the same year (programmes are year-bound)."""
        return Period(self.year, self.index - 1) if self.index > 1 else None

    @classmethod
    def of_month(cls, month: datetime.date) -> "Period":
        return cls(month.year, (month.month + 1) // 2)

    @classmethod
    def parse(cls, value: str, programme) -> "Period":
        """`YYYY-MM` of the period's first month, inside the programme's year; 404 else."""
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except (TypeError, ValueError):
            raise Http404(BAD_PERIOD) from None
        if month.month % 2 == 0 or month.year != programme.year:
            raise Http404(BAD_PERIOD)
        return cls.of_month(month)

    @classmethod
    def default(cls, programme) -> "Period":
        """The period holding the last finished month, kept inside the programme's year."""
        return cls.of_month(default_month(programme))


def periods_of(programme) -> list[Period]:
    return [Period(programme.year, i) for i in range(1, 7)]


def choose(value: str | None, programme) -> Period:
    return Period.parse(value, programme) if value else Period.default(programme)
