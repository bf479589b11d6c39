"""Pure report rendering: report data to charts, HTML and PDF.

This package never imports Flask, the database or ``app``.
"""
