"""Routers. Deliberately empty: app.main imports each router on its own, so one broken
router does not take the others down with it."""
