"""The kinds of job: each app declares its own in its `jobs.py`

    @job("ledger.export", title="导出项目台账")
    def export_ledger(run: Run, *, programme_id: int, query: str) -> dict: ...

A job function gets a `Run` (report progress, save the result file) and the job's
parameters; what it returns (a small dict) is the job's result."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile

from .models import Job


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    function: Callable


_KINDS: dict[str, Kind] = {}


def job(name: str, *, title: str) -> Callable[[Callable], Callable]:
    def register(function: Callable) -> Callable:
        _KINDS[name] = Kind(name, title, function)
        return function

    return register


def kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


class Run:
    """What a running job may do besides its work."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:300])

    def save_file(self, name: str, content: bytes) -> None:
        self.job.result_file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)
