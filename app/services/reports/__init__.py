"""Improvement reports (改进报告): the documents (periods, preview, PDF, archive), the
analysis of their inputs, schedules that send them, and ``data``, one provider
per source."""
