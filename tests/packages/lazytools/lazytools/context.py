def configure(**options): return options
