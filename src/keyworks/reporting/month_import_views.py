"""The monthly template pages: download → fill in → upload → preview → confirm."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from keyworks.core.imports import ImportRefused, PendingUploads
from keyworks.core.sheets import XLSX_CONTENT_TYPE
from keyworks.core.xlsx import XlsxRejected, check_xlsx_upload
from keyworks.ledger.permissions import get_programme
from keyworks.ledger.programmes import current_programme

from . import month_import, services
from .measure_views import parse_month
from .permissions import report_importable_projects, require_import_reports

PENDING = PendingUploads("report_imports")
PREVIEW_ROW_LIMIT = 500


def _importer_programme(request, code=None):
    programme = get_programme(request.user, code) if code else current_programme(request)
    require_import_reports(request.user, programme)
    return programme


@login_required
def template_download(request):
    programme = _importer_programme(request)
    month = parse_month(request.GET.get("month"), programme)
    projects = report_importable_projects(request.user, programme)
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    month_import.write_template(programme, month, projects, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, content_type=XLSX_CONTENT_TYPE,
        filename=month_import.template_filename(programme, month),
    )  # fmt: skip


@login_required
def import_upload(request):
    programme = _importer_programme(request)
    month = parse_month(request.POST.get("month") or request.GET.get("month"), programme)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要导入的月报模板（.xlsx）")
        else:
            try:
                check_xlsx_upload(upload)
            except XlsxRejected as exc:
                error = exc.message
        if not error:
            token = PENDING.keep(request, upload, programme=programme.code, month=f"{month:%Y-%m}")
            return redirect("reporting:month_import_preview", token=token)
    context = {"programme": programme, "month": month, "error": error}
    return render(
        request, "reporting/month_import_upload.html", context, status=400 if error else 200
    )


@login_required
def import_preview(request, token):
    entry = PENDING.get(request, token)
    if entry is None:
        raise Http404(_("导入文件不存在或已过期，请重新上传"))
    programme = _importer_programme(request, entry["programme"])
    month = parse_month(entry["month"], programme)
    back = f"{reverse('reporting:report_list')}?programme={programme.code}"
    if request.method == "POST" and request.POST.get("action") == "cancel":
        PENDING.forget(request, token)
        messages.info(request, _("已取消导入"))
        return redirect(back)
    try:
        with default_storage.open(entry["path"], "rb") as stored:
            parsed = month_import.parse_month_template(stored, programme, month, request.user)
    except FileNotFoundError:
        PENDING.forget(request, token)
        raise Http404(_("导入文件已不存在，请重新上传")) from None
    apply_errors = []
    if request.method == "POST" and parsed.ok:
        try:
            counts = services.apply_month_template(parsed, by=request.user, file_name=entry["name"])
        except ImportRefused as exc:
            apply_errors = exc.issues
        else:
            PENDING.forget(request, token)
            messages.success(
                request,
                _("月报导入完成：新填 %(value)s、更新 %(value2)s（均为草稿，请专班核对后提交）")
                % {"value": counts["created"], "value2": counts["updated"]},
            )
            return redirect(back)
    order = {"invalid": 0, "create": 1, "update": 2, "unchanged": 3, "skip": 4}
    rows = sorted(parsed.rows, key=lambda r: (order[r.action], r.row))
    errors = apply_errors or parsed.errors
    context = {
        "programme": programme,
        "month": month,
        "token": token,
        "file_name": entry["name"],
        "parsed": parsed,
        "errors": errors[:PREVIEW_ROW_LIMIT],
        "error_count": len(errors),
        "rows": rows[:PREVIEW_ROW_LIMIT],
        "rows_hidden": max(0, len(rows) - PREVIEW_ROW_LIMIT),
        "can_confirm": parsed.ok and not apply_errors,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/month_import_preview.html", context, status=status)
