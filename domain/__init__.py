"""Pure rules and types every layer shares; imports only the standard library, pandas and numpy."""
