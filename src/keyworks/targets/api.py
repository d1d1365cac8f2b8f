"""Annual targets (年度目标) over JSON."""

from ninja import Router

router = Router()
