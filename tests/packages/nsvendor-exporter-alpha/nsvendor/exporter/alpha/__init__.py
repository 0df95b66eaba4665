class AlphaExporter:
    pass
