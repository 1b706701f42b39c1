"""The firm-profile form: one field per FirmProfile field; FirmProfile itself decides what is valid.

Labels come from the profile's own bilingual field descriptions; errors are shown in both languages.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from pydantic import ValidationError

from zhengan.profile import Cloud, FirmProfile

BOOLEANS = [
    "foreign",
    "public_company",
    "futures_broker",
    "api_service",
    "official_website",
    "official_social_media",
    "investor_mobile_apps",
    "iot_oa_devices",
    "byod",
    "wireless_network",
    "swift",
]
CLOUD = ["uses", "provides", "critical"]
ORDERING = [
    ("none", "否 / no"),
    ("all", "所有業別 / every kind"),
    ("securities", "僅證券 / securities only"),
    ("futures", "僅期貨 / futures only"),
]


def _label(description: str | None) -> str:
    zh, _sep, en = (description or "").partition(" / ")
    return zh if (get_language() or "zh").startswith("zh") or not en else en


def _bilingual_error(error: dict) -> str:
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error":
        return message  # our validators already say it in both languages
    where = ".".join(str(p) for p in error["loc"]) or "profile"
    return f"欄位「{where}」不正確 / {where}: {message}"


class FirmProfileForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = FirmProfile.model_fields
        self.fields["name"] = forms.CharField(label=_label(fields["name"].description), max_length=200)
        self.fields["kinds"] = forms.MultipleChoiceField(
            label=_label(fields["kinds"].description),
            choices=[("securities", "證券 / securities"), ("futures", "期貨 / futures")],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["securities_category"] = forms.ChoiceField(
            label=_label(fields["securities_category"].description),
            choices=[("", "— / none"), ("first", "第一類 / first"), ("second", "第二類 / second")],
            required=False,
        )
        self.fields["security_tier"] = forms.TypedChoiceField(
            label=_label(fields["security_tier"].description),
            choices=[(i, i) for i in range(1, 6)],
            coerce=int,
        )
        self.fields["better_group_standard"] = forms.CharField(
            label=_label(fields["better_group_standard"].description), required=False, max_length=300
        )
        self.fields["internet_ordering"] = forms.ChoiceField(
            label=_label(fields["internet_ordering"].description), choices=ORDERING
        )
        for name in BOOLEANS:
            self.fields[name] = forms.BooleanField(label=_label(fields[name].description), required=False)
        for name in CLOUD:
            self.fields[f"cloud_{name}"] = forms.BooleanField(
                label=_label(Cloud.model_fields[name].description), required=False
            )
        self.profile: FirmProfile | None = None

    @staticmethod
    def initial_from(profile: FirmProfile) -> dict:
        data = profile.model_dump()
        ordering = data["internet_ordering"]
        if isinstance(ordering, list):
            ordering = "all" if set(ordering) == set(data["kinds"]) and len(ordering) > 1 else ordering[0]
        else:
            ordering = "all" if ordering else "none"
        initial = {k: v for k, v in data.items() if k != "cloud"}
        initial.update({f"cloud_{k}": v for k, v in data["cloud"].items()})
        initial["internet_ordering"] = ordering
        initial["securities_category"] = data["securities_category"] or ""
        initial["better_group_standard"] = data["better_group_standard"] or ""
        return initial

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        ordering = cleaned["internet_ordering"]
        data = {
            "name": cleaned["name"],
            "kinds": cleaned["kinds"],
            "securities_category": cleaned["securities_category"] or None,
            "security_tier": cleaned["security_tier"],
            "better_group_standard": cleaned["better_group_standard"].strip() or None,
            "internet_ordering": {"none": False, "all": True}.get(ordering, [ordering]),
            "cloud": {name: cleaned[f"cloud_{name}"] for name in CLOUD},
            **{name: cleaned[name] for name in BOOLEANS},
        }
        try:
            self.profile = FirmProfile.model_validate(data)
        except ValidationError as error:
            for item in error.errors():
                field = str(item["loc"][0]) if item["loc"] else None
                if field == "cloud" and len(item["loc"]) > 1:
                    field = f"cloud_{item['loc'][1]}"
                self.add_error(field if field in self.fields else None, _bilingual_error(item))
        return cleaned
