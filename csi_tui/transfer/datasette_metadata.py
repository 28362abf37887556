"""Datasette metadata for a portfolio: titles, column descriptions and canned queries (top
uncovered gaps across sites, overdue items, KPI status by site, cycle-to-cycle progress), shipped
as data/datasette/metadata.json. Datasette files metadata under the database's name (the file's
name without `.db`); the shipped file names it `portfolio`, and this writes it for any other:

    python -m csi_tui.transfer.datasette_metadata acme.db > metadata.json
    datasette acme.db --metadata metadata.json

docs/analysis.md shows the whole road.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from csi_tui.templates import data_dir

SHIPPED_NAME = "portfolio"


def shipped_path() -> Path:
    return data_dir() / "datasette" / "metadata.json"


def metadata(database: str = SHIPPED_NAME) -> dict[str, Any]:
    """The shipped metadata, filed under `database` (Datasette's name for the file: its stem)."""
    document: dict[str, Any] = json.loads(shipped_path().read_text(encoding="utf-8"))
    document["databases"] = {database: document["databases"][SHIPPED_NAME]}
    return document


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m csi_tui.transfer.datasette_metadata PORTFOLIO.db > metadata.json", file=sys.stderr)
        return 2
    print(json.dumps(metadata(Path(args[0]).stem), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
