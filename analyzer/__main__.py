"""`routerlint` and `python -m routerlint`. A scan is handed to the user's running daemon
(`routerlint daemon start`) when there is one, before click or anything else is imported, and
its answer printed as is; everything else runs here."""

import sys


def run() -> None:
    from routerlint.daemon.client import forward

    answer = forward(sys.argv[1:])
    if answer is None:
        if "scan" in sys.argv[1:]:
            from routerlint.facts.prefork import early

            early()  # LibCST's import starts beside click's (facts/prefork.py)
        from routerlint.cli import main

        main()
        return
    code, out, err = answer
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    run()
