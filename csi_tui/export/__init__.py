"""Getting workshops out of a file and into another: documents, database copies, imports.
No Textual here: the command line and the app both call it."""

from csi_tui.export.document import WorkshopDocument, import_document, workshop_document
from csi_tui.export.transfer import export_database, export_json, import_file, refuse_overwrite

__all__ = ["WorkshopDocument", "export_database", "export_json", "import_document", "import_file",
           "refuse_overwrite", "workshop_document"]
