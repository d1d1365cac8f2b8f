"""Factor guarantees (要素保障清单) over JSON."""

from ninja import Router

router = Router()
