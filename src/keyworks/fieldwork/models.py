"""Field work: bi-weekly progress updates (每两周更新) and on-site verification (实地核验)."""
