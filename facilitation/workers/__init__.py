"""Worker processes for heavy work: reports, exports, page drawings and imports, off the event loop."""
