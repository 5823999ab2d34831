"""The ITA domain: framework, workbook reading and validation, readiness. Never imports the UI."""
