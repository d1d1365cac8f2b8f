"""Field work over JSON."""

from ninja import Router

router = Router()
