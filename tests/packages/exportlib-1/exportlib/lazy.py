"""Names are made on demand: any name may exist."""


def __getattr__(name):
    return name
