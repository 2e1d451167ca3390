"""The exchange format's version, which an export states and an import checks (docs/export-format.md)."""

EXPORT_FORMAT = 1  # raised when a column or a field changes meaning or goes away
