"""The bi-monthly progress meeting (两个月一推进、较短比长) over JSON."""

from ninja import Router

router = Router()
