"""SQLite storage: one repository module per aggregate, SQL in, typed records out."""
