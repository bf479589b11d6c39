"""Access control: roles, password hashing and route decorators."""
