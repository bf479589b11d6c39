"""Use cases. Services take plain arguments (never ``request`` or ``session``) and commit
nothing themselves unless their docstring says so; views and tasks own the transaction."""
