from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Project
from keyworks.orgs.models import RoleAssignment

from .ledger_xlsx import row, write_ledger

CODE = "2501-410800-04-01-000001"


def ledger(tmp_path, **extra):
    values = dict(
        seq=3, name="市人才公寓", code=CODE, category="十大基础设施", district="解放区",
        total="12345.6", completed=0,
    )  # fmt: skip
    values.update(extra)
    return write_ledger(tmp_path / "台账.xlsx", [row(**values)])


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import-ledger", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def state():
    return Project.objects.count(), ChangeRecord.objects.count()


def test_the_command_is_called_import_ledger_with_a_hyphen():
    commands = get_commands()
    assert commands.get("import-ledger") == "keyworks.ledger"
    assert "import_ledger" not in commands


def test_it_imports_and_prints_a_summary(world, tmp_path):
    out, _ = run(ledger(tmp_path), "--programme", "jz2025")
    assert "新增 1、更新 0、未变 0" in out
    project = Project.objects.get(code=CODE)
    record = ChangeRecord.objects.get(action="create", project_id=project.pk)
    assert record.actor == world.office  # the programme's first office user
    assert ChangeRecord.objects.get(action="import").after["file"] == "台账.xlsx"
    out, _ = run(ledger(tmp_path), "--programme", "jz2025")
    assert "新增 0、更新 0、未变 1" in out
    assert Project.objects.filter(code=CODE).count() == 1


def test_dry_run_writes_nothing(world, tmp_path):
    before = state()
    out, _ = run(ledger(tmp_path), "--programme", "jz2025", "--dry-run")
    assert "新增 1" in out
    assert state() == before


def test_errors_go_to_stderr_and_exit_non_zero(world, tmp_path):
    before = state()
    path = ledger(tmp_path, code="not-a-code", total="abc")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import-ledger", str(path), "--programme", "jz2025", stdout=StringIO(), stderr=err
        )
    assert "2 处错误" in str(exc.value)
    assert "第3行「项目代码」：项目代码格式不正确" in err.getvalue()
    assert "第3行「总投资（万元）」：不是有效金额“abc”" in err.getvalue()
    assert state() == before


def test_named_user_must_be_office(world, tmp_path):
    with pytest.raises(CommandError, match="无权导入"):
        run(ledger(tmp_path), "--programme", "jz2025", "--user", "leader")
    out, _ = run(ledger(tmp_path), "--programme", "jz2025", "--user", "office")
    assert "新增 1" in out


def test_without_an_office_user_the_actor_must_be_named(world, tmp_path):
    RoleAssignment.objects.filter(role="office").delete()
    with pytest.raises(CommandError, match="--user"):
        run(ledger(tmp_path), "--programme", "jz2025")
    assert not Project.objects.filter(code=CODE).exists()


def test_unknown_programme_user_or_file(world, tmp_path):
    with pytest.raises(CommandError, match="项目计划不存在"):
        run(ledger(tmp_path), "--programme", "nope")
    with pytest.raises(CommandError, match="用户不存在"):
        run(ledger(tmp_path), "--programme", "jz2025", "--user", "nobody")
    with pytest.raises(CommandError, match="文件不存在"):
        run(tmp_path / "missing.xlsx", "--programme", "jz2025")


def test_a_file_that_is_not_xlsx_is_an_error(world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError):
        run(path, "--programme", "jz2025")
