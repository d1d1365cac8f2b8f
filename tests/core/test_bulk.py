import datetime
from decimal import Decimal

import pytest

from keyworks.core.bulk import bulk_set
from keyworks.ledger.models import Project


def test_each_row_gets_its_own_values_and_others_are_untouched(world):
    own, other = world.own, world.other
    own.completed_investment, other.completed_investment = Decimal("1.25"), Decimal("9876.5")
    own.planned_finish, other.planned_finish = datetime.date(2026, 6, 30), None
    own.responsible_unit, other.responsible_unit = world.enterprise, world.department
    own.name = "新名称 ' 带引号"
    fields = ["completed_investment", "planned_finish", "responsible_unit", "name"]

    assert bulk_set(Project, [own, other], fields, batch_size=1) == 2

    own_db, other_db = Project.objects.get(pk=own.pk), Project.objects.get(pk=other.pk)
    assert own_db.completed_investment == Decimal("1.25")
    assert other_db.completed_investment == Decimal("9876.50")
    assert own_db.planned_finish == datetime.date(2026, 6, 30)
    assert other_db.planned_finish is None
    assert own_db.responsible_unit_id == world.enterprise.pk
    assert other_db.responsible_unit_id == world.department.pk
    assert own_db.name == "新名称 ' 带引号"
    assert other_db.name == "沿黄高速武陟至济源段"  # its own value, rewritten as is
    assert own_db.total_investment == Decimal("10000.00")  # a field not named, kept


def test_nothing_to_write_is_no_statement(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_set(Project, [], ["name"]) == 0
        assert bulk_set(Project, [world.own], []) == 0


@pytest.mark.parametrize("field", ["id", "districts"])
def test_refuses_keys_and_many_to_many(world, field):
    with pytest.raises(ValueError):
        bulk_set(Project, [world.own], [field])
