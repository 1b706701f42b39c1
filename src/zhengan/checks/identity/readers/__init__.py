"""One reader per export format; each returns the normalised model and knows nothing of the rules."""
