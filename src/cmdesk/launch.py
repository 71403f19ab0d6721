"""The installed commands, `cmdesk` and `cmdesk-gui`: nothing is imported until one runs.

A refresh's parsing workers import the script that started cmdesk again (Python's
multiprocessing does so for a program run by its path, to find what it defines). A
script whose first line imports the window would load Qt and the whole app in every
worker at every refresh, about half a second of CPU each; this module costs nothing.
"""

from __future__ import annotations


def cli() -> int:
    from cmdesk.cli import main

    return main()


def gui() -> int:
    from cmdesk.app import main

    return main()
