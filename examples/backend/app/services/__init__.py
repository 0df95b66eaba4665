"""Service layer. Nothing is imported here, so one broken service only breaks its importers."""
