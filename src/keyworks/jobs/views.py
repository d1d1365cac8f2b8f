"""Following a job: its page with a progress bar that htmx refreshes until it ends, and its
result file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch

from .models import Job


def own_job(request, pk) -> Job:
    """A job is its submitter's (404 for anyone else)."""
    return fetch(
        Job.objects.filter(created_by=request.user),
        pk=pk,
        not_found=_("任务不存在"),
    )


@login_required
def job_page(request, pk):
    job = own_job(request, pk)
    template = "jobs/job.html#status" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": job})


@login_required
def job_file(request, pk):
    job = own_job(request, pk)
    if not job.result_file:
        raise Http404(_("任务没有结果文件"))
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("结果文件已不存在")) from None
    return FileResponse(
        handle, as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )
