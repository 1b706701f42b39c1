"""Daily login-anomaly monitoring (issue #7): SR-3.6, SR-6.6, CC17010-3.2, CC17010-11, CC17010-12.

Readers (one per log format) turn records into one normalised login-event table (`schema.py`); the
detections (`rules/`, one small YAML file each) run on that table in DuckDB or Spark (`engines/`);
`analyse.py` ties it together and `outputs.py` writes the record the rules ask to keep.
"""
