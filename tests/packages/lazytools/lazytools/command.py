def upgrade(config, revision): return (config, revision)
