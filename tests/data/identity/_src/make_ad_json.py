"""Writes the AD policy samples in the shape ConvertTo-Json gives (TimeSpan as an object with Ticks...).

domain-policy.json: Windows PowerShell 5.1 layout (4-space indent, two spaces after the colon, UTF-8 BOM from
Out-File -Encoding utf8); fine-grained-policies.json: PowerShell 7 layout (2-space indent).
"""

import codecs
import json
from pathlib import Path

TICKS_PER_SECOND = 10_000_000


def timespan(days=0, hours=0, minutes=0, seconds=0):
    total_seconds = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    ticks = total_seconds * TICKS_PER_SECOND
    return {
        "Ticks": ticks,
        "Days": days,
        "Hours": hours,
        "Milliseconds": 0,
        "Minutes": minutes,
        "Seconds": seconds,
        "TotalDays": total_seconds / 86400,
        "TotalHours": total_seconds / 3600,
        "TotalMilliseconds": total_seconds * 1000,
        "TotalMinutes": total_seconds / 60,
        "TotalSeconds": total_seconds,
    }


domain = {
    "ComplexityEnabled": True,
    "DistinguishedName": "DC=corp,DC=example-sec,DC=com,DC=tw",
    "LockoutDuration": timespan(minutes=30),
    "LockoutObservationWindow": timespan(minutes=30),
    "LockoutThreshold": 5,
    "MaxPasswordAge": timespan(days=90),
    "MinPasswordAge": timespan(days=1),
    "MinPasswordLength": 8,
    "objectClass": ["domainDNS"],
    "objectGuid": "5f3c8a1e-9b7d-4e2a-8c61-0d4f2b9e7a13",
    "PasswordHistoryCount": 5,
    "ReversibleEncryptionEnabled": False,
}
fine_grained = [
    {
        "AppliesTo": ["CN=Domain Admins,CN=Users,DC=corp,DC=example-sec,DC=com,DC=tw"],
        "ComplexityEnabled": True,
        "DistinguishedName": "CN=PSO-Admins,CN=Password Settings Container,CN=System,DC=corp,DC=example-sec,DC=com,DC=tw",
        "LockoutDuration": timespan(),
        "LockoutObservationWindow": timespan(minutes=30),
        "LockoutThreshold": 3,
        "MaxPasswordAge": timespan(days=60),
        "MinPasswordAge": timespan(days=1),
        "MinPasswordLength": 14,
        "Name": "PSO-Admins",
        "ObjectClass": "msDS-PasswordSettings",
        "ObjectGUID": "a4b1c2d3-1111-4c5e-9f00-2b3c4d5e6f70",
        "PasswordHistoryCount": 24,
        "Precedence": 10,
        "ReversibleEncryptionEnabled": False,
    },
    {
        "AppliesTo": [
            "CN=GG-Service-Accounts,OU=Groups,DC=corp,DC=example-sec,DC=com,DC=tw",
            "CN=svc-backup,OU=Service Accounts,DC=corp,DC=example-sec,DC=com,DC=tw",
        ],
        "ComplexityEnabled": False,
        "DistinguishedName": "CN=PSO-Service,CN=Password Settings Container,CN=System,DC=corp,DC=example-sec,DC=com,DC=tw",
        "LockoutDuration": timespan(minutes=10),
        "LockoutObservationWindow": timespan(minutes=10),
        "LockoutThreshold": 0,
        "MaxPasswordAge": timespan(),
        "MinPasswordAge": timespan(),
        "MinPasswordLength": 6,
        "Name": "PSO-Service",
        "ObjectClass": "msDS-PasswordSettings",
        "ObjectGUID": "b5c2d3e4-2222-4d6f-8a11-3c4d5e6f7081",
        "PasswordHistoryCount": 0,
        "Precedence": 20,
        "ReversibleEncryptionEnabled": False,
    },
]
out = Path("ad_json")
out.mkdir(exist_ok=True)
text = json.dumps(domain, indent=4, separators=(",", ":  "))
(out / "domain-policy.json").write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"))
(out / "fine-grained-policies.json").write_text(json.dumps(fine_grained, indent=2) + "\n", encoding="utf-8")
