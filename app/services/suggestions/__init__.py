"""The suggestion box (意见箱): the submitter's side (``box``, ``submissions``,
``images``, ``category``, ``similarity``), the public board, the operators'
triage and canned replies, and the public changelog (你说我改)."""
