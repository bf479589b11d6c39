"""User interviews (用户访谈): guides, records and their highlights as feedback items
(``records``), and the notes' Markdown (``notes``)."""
