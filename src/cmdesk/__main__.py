"""`python -m cmdesk` runs the command line (the GUI is its default command)."""

from cmdesk.cli import main

raise SystemExit(main())
