"""Community metrics: the catalogue and daily values, importing them from
spreadsheets, and what the metrics pages show (summaries, charts, links to themes)."""
