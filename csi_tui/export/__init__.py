"""Getting workshops out of a file and into another: documents, database copies, CSV tables,
reports, imports and merges. No Textual here: the command line and the app both call it."""

from csi_tui.export.document import WorkshopDocument, import_document, workshop_document
from csi_tui.export.transfer import (
    EXPORT_FORMATS,
    export_database,
    export_json,
    export_workshop,
    import_file,
    refuse_overwrite,
)

__all__ = ["EXPORT_FORMATS", "WorkshopDocument", "export_database", "export_json",
           "export_workshop", "import_document", "import_file", "refuse_overwrite", "workshop_document"]
