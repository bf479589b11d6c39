"""Pure survey domain: question types, definitions, validation, logic, scoring and statistics.

This package never imports Flask, the database or ``app``.
"""
