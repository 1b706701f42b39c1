"""Report builders: they take plain data and never query a database."""
