"""Reports made from the database: CSV/XLSX exports and readiness charts."""
