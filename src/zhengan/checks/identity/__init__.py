"""Identity checks (issue #9 part A): password and lockout policy, account review, multi-factor authentication.

Readers (`readers/`) know one export format each and return the normalised models of `password_model` and
`account_model`; the analyses (`password_policy`, `accounts`, `mfa`) know no format.
"""
