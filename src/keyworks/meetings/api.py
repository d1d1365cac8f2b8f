"""The weekly dispatch meeting (一星期一调度) over JSON."""

from ninja import Router

router = Router()
