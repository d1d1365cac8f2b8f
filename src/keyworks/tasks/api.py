"""Tracked tasks over JSON."""

from ninja import Router

router = Router()
