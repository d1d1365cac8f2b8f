"""The reminder list (工作提醒清单) over JSON."""

from ninja import Router

router = Router()
