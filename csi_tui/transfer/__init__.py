"""Getting workshops out of a file and into another: the registry of export formats
(formats.py), documents (document.py), database copies, JSON and the one entry point for every
format (files.py), CSV tables (tables.py), reports (report.py) and merges (merge.py). No Textual
here: the command line and the app both call it. Import from the modules themselves: this package
loads nothing, so naming the export formats (formats.py) does not load the models."""
