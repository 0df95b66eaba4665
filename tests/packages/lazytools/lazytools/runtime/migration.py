class MigrationContext: pass
