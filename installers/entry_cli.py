"""Frozen entry point of the `cmdesk` console command (PyInstaller script).

freeze_support() comes first: feed parsing runs in worker processes, and in a
frozen build a worker is this same executable started with multiprocessing's
arguments; it must become a worker before it imports anything else.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from cmdesk.cli import main

    raise SystemExit(main())
