"""Firewall rule-base review (issue #8): CC17010-2.5 to 2.8, CC17010-1.7, AP-4.6.2.

parsers/ read one vendor format each into the normalised model (model.py); space.py and anomalies.py
compute exact rule relations; analysis.py turns everything into observations citing control ids;
review.py runs the whole review; review_record.py writes the sign-off record.
"""
