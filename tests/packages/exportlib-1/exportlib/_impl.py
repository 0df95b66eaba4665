__all__ = ["Client"]


class Client:
    pass


class _Hidden:
    pass
