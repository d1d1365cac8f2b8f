"""Ledger export (.xlsx) and the import pages: upload → preview → confirm (the upload
waits in `core.imports.PendingUploads`; confirming re-reads the stored file)."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from keyworks.core.imports import PendingUploads
from keyworks.core.xlsx import XlsxRejected, check_xlsx_upload
from keyworks.ledger.filters import filtered_projects
from keyworks.ledger.programmes import current_programme

from .excel_export import XLSX_CONTENT_TYPE, export_filename, write_ledger_xlsx
from .importer import LedgerImportError, apply_ledger_import, parse_ledger
from .permissions import get_programme, require

PENDING = PendingUploads("ledger_imports")
PREVIEW_ROW_LIMIT = 500  # rows listed on the preview page; counts always cover every row
PREVIEW_ERROR_LIMIT = 500


@login_required
def export_ledger(request):
    """The filtered ledger (every page of it) as a 台账 workbook."""
    programme = current_programme(request)
    require(request.user, "export", programme)
    projects = filtered_projects(request, programme).qs
    # Spooled: small exports stay in memory, large ones go to a temporary file.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_ledger_xlsx(programme, projects, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=export_filename(programme),
        content_type=XLSX_CONTENT_TYPE,
    )  # fmt: skip


@login_required
def import_upload(request):
    programme = current_programme(request)
    require(request.user, "import", programme)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要导入的 Excel (.xlsx) 文件")
        else:
            try:
                check_xlsx_upload(upload, max_bytes=settings.IMPORT_MAX_BYTES)
            except XlsxRejected as exc:
                error = exc.message
        if not error:
            token = PENDING.keep(request, upload, programme=programme.code)
            return redirect("ledger:import_preview", token=token)
    context = {
        "error": error,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "ledger/import_upload.html", context, status=400 if error else 200)


@login_required
def import_preview(request, token):
    entry = PENDING.get(request, token)
    if entry is None:
        raise Http404(_("导入文件不存在或已过期，请重新上传"))
    programme = get_programme(request.user, entry["programme"], "import")
    if request.method == "POST" and request.POST.get("action") == "cancel":
        PENDING.forget(request, token)
        messages.info(request, _("已取消导入"))
        return redirect(f"{reverse('ledger:project_list')}?programme={programme.code}")
    try:
        with default_storage.open(entry["path"], "rb") as stored:
            parsed = parse_ledger(stored, programme)
    except FileNotFoundError:
        PENDING.forget(request, token)
        raise Http404(_("导入文件已不存在，请重新上传")) from None
    apply_errors = []
    if request.method == "POST" and parsed.ok:
        try:
            summary = apply_ledger_import(parsed, by=request.user, file_name=entry["name"])
        except LedgerImportError as exc:
            apply_errors = exc.issues
        else:
            PENDING.forget(request, token)
            messages.success(request, _("台账导入完成：%(summary)s") % {"summary": summary})
            return redirect(f"{reverse('ledger:project_list')}?programme={programme.code}")
    order = {"invalid": 0, "create": 1, "update": 2, "unchanged": 3}
    rows = sorted(parsed.rows, key=lambda r: (order[r.action], r.row))
    context = {
        "programme": programme,
        "token": token,
        "file_name": entry["name"],
        "parsed": parsed,
        "errors": (apply_errors or parsed.errors)[:PREVIEW_ERROR_LIMIT],
        "error_count": len(apply_errors or parsed.errors),
        "rows": rows[:PREVIEW_ROW_LIMIT],
        "rows_hidden": max(0, len(rows) - PREVIEW_ROW_LIMIT),
        "can_confirm": parsed.ok and not apply_errors,
        "wide_layout": True,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "ledger/import_preview.html", context, status=status)
