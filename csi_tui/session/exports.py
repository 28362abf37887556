"""The export formats as the UI sees them: the registry lives in transfer/formats.py, and the UI
reaches transfer only through the session. Plain data, no pydantic (see that module)."""

from csi_tui.transfer.formats import ExportFormat, export_format, export_formats

__all__ = ["ExportFormat", "export_format", "export_formats"]
