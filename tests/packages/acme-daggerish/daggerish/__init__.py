"""Installed as distribution 'acme-daggerish', imported as 'daggerish'."""


def connect():
    return None
