"""A long-lived routerlint process for repeated scans (`routerlint daemon start`).

A fresh process pays, on every scan, for Python's start-up, importing LibCST, NetworkX and
routerlint, and decoding the cached facts of every file. The daemon pays once and keeps them;
`routerlint scan` hands it the command line, the folder and the environment, and prints what
it answers. Every scan it serves is a complete run (nothing but file reads and JSON decoding
is saved), so its report is the one a fresh process would print.
"""
