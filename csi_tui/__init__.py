"""csi-tui: run ITIL Continual Service Improvement workshops from the terminal."""

__version__ = "0.1.0"
