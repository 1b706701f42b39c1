"""The zhengan web application (issue #4): a Django project with one app per concern.

accounts (users, roles, MFA, password policy, lockout, sessions), audit (the hash-chained log),
catalogue (dashboard, catalogue browser, control page), firm (profile and statement of applicability),
ui (layout, error pages, security headers, template filters).
"""
