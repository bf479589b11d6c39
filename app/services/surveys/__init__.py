"""Surveys as the app runs them, around the pure ``surveys`` package (imported as
``domain``): the lifecycle, the builder, answering, results, invitations, imports,
privacy checks, interface texts, share posters, and lookups for other features."""
