"""The formats a workshop exports to, named once for the command line, the dialog and the
exporter. Plain data: the command line builds its parser from it before anything heavy loads."""

EXPORT_FORMATS = ("db", "json", "csv", "md", "html")
