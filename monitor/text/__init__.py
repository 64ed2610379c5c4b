"""Text preparation shared by aliases (at build time) and articles (at match time). No I/O."""
