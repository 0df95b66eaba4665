class Paginator:
    def __init__(self, size: int = 50) -> None:
        self.size = size
