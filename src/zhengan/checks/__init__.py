"""Technical checks: each reads what systems export and returns a CheckResult citing control ids."""
