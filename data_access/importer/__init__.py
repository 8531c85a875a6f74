"""Monthly data import: validated row by row, all or nothing, safe to repeat.

    python -m data_access.importer KIND FILE [--dry-run] [--database-url URL] [--user NAME] [--lang nl|en]
                                   [--mapping NAME]     (a saved column mapping; see importer.mapping)
    python -m data_access.importer export KIND OUT      (KIND "workbook": every kind in one .xlsx)
    python -m data_access.importer template KIND OUT    (.csv or .xlsx by OUT's extension)

The page (views/import.py) and the command line share `run_import`: read the bytes
(UTF-8 with or without BOM, else Windows-1252; `,` or `;`; decimal comma or point, with
currency signs, grouping and spaces; ISO or Dutch dates; or .xlsx) as text cells, validate every row, plan insert/update/unchanged and
what the file replaces, then apply it in one transaction with an import_log row and a
data-version bump. A file with any error writes nothing, not even a log row.
"""

from data_access.importer.export import (
    column_docs,
    export_all_xlsx,
    export_rows,
    template_csv,
    template_xlsx,
    to_csv,
    to_xlsx,
)
from data_access.importer.pipeline import (
    IMPORT_KINDS,
    WORKBOOK,
    ImportReport,
    KindResult,
    import_file,
    issue_message,
    issues_csv,
    issues_frame,
    load_import_log,
    preview_frame,
    progress_fraction,
    refuse_oversized,
    results_frame,
    run_import,
)
from data_access.importer.reading import Limits, limits_from_env
from data_access.importer.schema import KIND_ORDER, KINDS
from data_access.importer.validate import Issue

__all__ = [
    "IMPORT_KINDS",
    "KINDS",
    "KIND_ORDER",
    "WORKBOOK",
    "ImportReport",
    "Issue",
    "KindResult",
    "Limits",
    "column_docs",
    "export_all_xlsx",
    "export_rows",
    "import_file",
    "issue_message",
    "issues_csv",
    "issues_frame",
    "limits_from_env",
    "load_import_log",
    "preview_frame",
    "progress_fraction",
    "refuse_oversized",
    "results_frame",
    "run_import",
    "template_csv",
    "template_xlsx",
    "to_csv",
    "to_xlsx",
]
