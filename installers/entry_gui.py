"""Frozen entry point of the `cmdesk-gui` launcher (PyInstaller script, windowed).

freeze_support() runs before Qt is imported, so a parsing worker started from the
GUI process (same executable) never loads Qt.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from cmdesk.app import main

    raise SystemExit(main())
