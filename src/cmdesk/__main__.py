"""`python -m cmdesk` runs the command line (the GUI is its default command)."""

import multiprocessing

from cmdesk.cli import main

if __name__ == "__main__":
    # Feed parsing runs in worker processes; a frozen build must let a worker
    # start as a worker rather than as a second cmdesk.
    multiprocessing.freeze_support()
    raise SystemExit(main())
