"""A library whose public names changed between 1.0 and 2.0 (like google.generativeai)."""
import sys

from ._impl import *

if sys.version_info >= (3, 8):
    FEATURES = ("streaming",)
else:
    FEATURES = ()
