"""Start a program as usual, after timing the imports it makes before its first frame.

    python benchmarks/timed_imports.py TIMES_FILE MODULE[,MODULE...] -m PACKAGE [ARG...]
    python benchmarks/timed_imports.py TIMES_FILE MODULE[,MODULE...] SCRIPT [ARG...]

The milliseconds the imports took are appended to TIMES_FILE, a line per start; then PACKAGE (as
`python -m` runs it) or SCRIPT runs with its arguments, finding those modules already loaded.
Subtracting them from the first paint that benchmarks/startup.py measures splits a start-up in
two: importing code, and what the program does once its code is loaded (reading its file,
composing and drawing the screen), so that the app and its floor can be compared on each.
"""

from __future__ import annotations

import importlib
import runpy
import sys
import time


def main() -> None:
    times_file, modules, *target = sys.argv[1:]
    started = time.perf_counter()
    for module in modules.split(","):
        importlib.import_module(module)
    took = time.perf_counter() - started
    with open(times_file, "a", encoding="ascii") as times:
        times.write(f"{took * 1000:.3f}\n")
    if target[0] == "-m":
        sys.argv = [target[1], *target[2:]]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = target
        runpy.run_path(target[0], run_name="__main__")


if __name__ == "__main__":
    main()
