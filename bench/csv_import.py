"""Time to import a 50,000-row CSV export into a fresh workspace, phase by phase.

The file is the one the tests import (tests/csv_samples.py): a French Excel save,
";" and Windows-1252, 3,000 authors, a link per row. Reading decodes and splits it;
checking parses dates and proposes type and sentiment for every row; writing is one
transaction (contacts created, duplicates looked up). Then the same file again,
which must add nothing.

Run with `python bench/csv_import.py [ROWS]`; prints one JSON document.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cmdesk.core.client import ClientProfile
from cmdesk.core.csv_import import parse_rows, propose_mapping, read_file
from cmdesk.store.interaction_import import import_rows
from cmdesk.store.workspace import Workspace
from csv_samples import write_export


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        export = write_export(Path(folder) / "export.csv", rows)
        size = export.stat().st_size
        profile = ClientProfile(name="Bench", slug="bench")
        with Workspace.create(Path(folder) / "bench.cmdesk", profile) as ws:
            zone = ws.profile().zone
            started = time.perf_counter()
            table = read_file(export)
            read = time.perf_counter()
            parsed = parse_rows(table, propose_mapping(table), zone)
            checked = time.perf_counter()
            report = import_rows(ws, parsed)
            written = time.perf_counter()
            again = import_rows(ws, parsed)  # the duplicate lookup alone
            repeated = time.perf_counter()
    assert report.imported == rows and again.imported == 0, (report, again)
    print(
        json.dumps(
            {
                "rows": rows,
                "file_mb": round(size / 2**20, 1),
                "read_s": round(read - started, 2),
                "check_s": round(checked - read, 2),
                "write_s": round(written - checked, 2),
                "total_s": round(written - started, 2),
                "rows_per_s": round(rows / (written - started)),
                "contacts_created": report.contacts_created,
                "reimport_write_s": round(repeated - written, 2),
                "reimport_duplicates": again.duplicates,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
