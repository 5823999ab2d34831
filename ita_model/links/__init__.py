"""Link checks: every OIT URL opened as an assessor would, its problems, and the evidence kept."""
