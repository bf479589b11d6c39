"""People and their access: users, sign-in, memberships, invitations, API tokens
and their credentials cache, communities and their settings, and members' data
rights (export and erasure)."""
