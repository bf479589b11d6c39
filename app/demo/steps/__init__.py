"""Demo steps, one module per capability. Importing this package registers them all."""

from app.demo.steps import community, imported_feedback, metrics, reports  # noqa: F401
