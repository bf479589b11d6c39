"""Pure Chinese NLP: normalisation, PII redaction, segmentation, sentiment and themes.

This package never imports Flask, the database or ``app``.
"""
