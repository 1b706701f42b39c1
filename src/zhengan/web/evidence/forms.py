from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.evidence.services import EvidenceRefused, parse_control_ids


class EvidenceForm(forms.Form):
    """One file with what it proves: title, effective date and the controls it serves."""

    title = forms.CharField(label=_("Title"), max_length=200)
    effective_on = forms.DateField(
        label=_("Effective date (the day the evidence speaks of)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    control_ids = forms.CharField(
        label=_("Controls it serves (ids, separated by spaces or commas)"), required=False, max_length=2000
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File"))

    def clean_control_ids(self) -> list[str]:
        try:
            return parse_control_ids(self.cleaned_data.get("control_ids") or "")
        except EvidenceRefused as error:
            raise forms.ValidationError(str(error)) from error

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ZHENGAN_EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s bytes."),
                params={"limit": settings.ZHENGAN_EVIDENCE_MAX_BYTES},
            )
        return upload


class NewVersionForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Effective date (the day the evidence speaks of)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    description = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("File"))

    clean_file = EvidenceForm.clean_file
