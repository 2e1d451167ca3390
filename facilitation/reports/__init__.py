"""What leaves the event: exports of ideas, votes and rankings, and printable table cards."""

EXPORT_FORMAT = 1  # docs/export-format.md: raised when a column or a field changes meaning or goes away
