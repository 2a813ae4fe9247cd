"""Present: terminal tables, exports (JSON, CSV, Markdown, SQLite), the HTML report and a
claim in context.  Imports extract, read and the base; never compare or run."""
