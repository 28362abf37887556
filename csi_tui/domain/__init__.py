"""The domain: what a CSI workshop is, and the rules over it (gap matrix, cycles, the register's
workflow, timeboxes). Pure: no I/O, no storage, no Textual. Everything above imports from here;
this package imports nothing of ours above it (pyproject.toml, [tool.importlinter])."""
