"""Build small ledger workbooks for the import tests (real .xlsx files, no mocks)."""

from pathlib import Path

import openpyxl

HEADERS = [
    "序号", "项目名称", "项目代码", "项目类别", "所在县(市、区)", "总投资（万元）",
    "累计完成投资（万元）", "计划开工", "计划竣工", "责任单位", "业主单位", "牵头市领导",
]  # fmt: skip


def row(**values) -> list:
    """A data row in HEADERS order from keyword names: seq, name, code, category, district,
    total, completed, start, finish, responsible, owner, lead."""
    keys = [
        "seq", "name", "code", "category", "district", "total", "completed", "start",
        "finish", "responsible", "owner", "lead",
    ]  # fmt: skip
    unknown = set(values) - set(keys)
    assert not unknown, unknown
    return [values.get(k) for k in keys]


def write_ledger(path: Path, rows, headers=HEADERS, title="焦作市2025年三十工程项目台账") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for values in rows:
        ws.append(values)
    wb.save(path)
    return path
