"""keyworks — 重点项目指挥调度平台 (key-project programme office platform)."""
