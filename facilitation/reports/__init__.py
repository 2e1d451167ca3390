"""What leaves the event: exports of ideas, votes and rankings, and printable table cards."""
