"""Demo steps, one module per capability. Importing this package registers them all."""

from app.demo.steps import (  # noqa: F401
    community,
    imported_feedback,
    insights,
    interviews,
    metrics,
    reports,
    suggestions,
    surveys,
)
