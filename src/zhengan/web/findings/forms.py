from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.accounts.models import User
from zhengan.web.assessments.models import Assessment
from zhengan.web.evidence.forms import EvidenceForm
from zhengan.web.findings.models import Finding, FollowUpReport, RiskAcceptance
from zhengan.web.findings.services import WorkflowRefused, validate_control_ids
from zhengan.web.obligations.forms import MultipleFileField
from zhengan.web.register.models import InformationSystem


def _date(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _text(label, rows=3, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class OptionalFileMixin:
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        return EvidenceForm.clean_file(self)


class FindingForm(OptionalFileMixin, forms.Form):
    """A finding as AP-8.1 lists it: category, severity, risk, specific recommendation, links."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = _text(_("Description"), rows=4)
    category = forms.ChoiceField(label=_("Category"), choices=Finding.Category.choices)
    topic = forms.CharField(label=_("Topic (e.g. access control, logging)"), max_length=100)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    risk = _text(_("Risk description"))
    recommendation = _text(_("Specific recommendation"))
    control_ids = forms.CharField(label=_("Controls (ids, separated by spaces or commas)"), max_length=2000)
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems"),
        queryset=InformationSystem.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assessment = forms.ModelChoiceField(
        label=_("Assessment (optional)"), queryset=Assessment.objects.all(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (receives reminders)"),
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
    )
    raised_on = _date(_("Raised on"), initial=timezone.localdate)
    file = forms.FileField(label=_("Evidence file (optional)"), required=False)

    def clean_control_ids(self) -> list[str]:
        text = self.cleaned_data.get("control_ids") or ""
        ids = [p for p in text.replace(",", " ").replace("，", " ").split() if p]
        if not ids:
            raise forms.ValidationError(_("Name at least one control."))
        try:
            return validate_control_ids(ids)
        except WorkflowRefused as error:
            raise forms.ValidationError(str(error)) from error


class PlanForm(forms.Form):
    plan = _text(_("Remediation plan"), rows=4)
    planned_on = _date(_("Planned completion date"))


class RemediateForm(OptionalFileMixin, forms.Form):
    remediation = _text(_("What was remediated"), rows=4)
    remediated_on = _date(_("Remediated on"), initial=timezone.localdate)
    file = forms.FileField(label=_("Evidence file"), required=False)


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("verified", _("Verified: the remediation is effective")),
            ("returned", _("Send back to open")),
        ],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note (the reason, when sending back)"), required=False)


class RiskAcceptanceForm(forms.Form):
    approver_name = forms.CharField(label=_("Approver"), max_length=200)
    approver_role = forms.ChoiceField(label=_("Approver's role"), choices=RiskAcceptance.ApproverRole.choices)
    reason = _text(_("Reason"))
    expires_on = _date(_("Expires on"))

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on <= timezone.localdate():
            raise forms.ValidationError(_("The expiry must be after today."))
        return expires_on


class FollowUpForm(OptionalFileMixin, forms.Form):
    reported_on = _date(_("Reported on"), initial=timezone.localdate)
    recipient = forms.ChoiceField(label=_("Reported to"), choices=FollowUpReport.Recipient.choices)
    recipient_name = forms.CharField(
        label=_("Name of the meeting or manager"), max_length=200, required=False
    )
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings reported"),
        queryset=Finding.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Note"), required=False)
    file = forms.FileField(label=_("Minutes (optional)"), required=False)


# Check result files are kept in the session between the preview and the confirmation.
IMPORT_MAX_BYTES_DEFAULT = 20 * 1024 * 1024


def import_max_bytes() -> int:
    return getattr(settings, "ZHENGAN_FINDINGS_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES_DEFAULT)


class ImportForm(forms.Form):
    """Check result files (the JSON the checks write with --output / --json) and what new findings get."""

    files = MultipleFileField(label=_("Check result files (JSON, one or more)"))
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems"),
        queryset=InformationSystem.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (receives reminders)"),
        queryset=User.objects.filter(is_active=True).order_by("full_name"),
        required=False,
    )
    include_warnings = forms.BooleanField(
        label=_("Also import warnings as findings (by default only failures)"), required=False
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = import_max_bytes()
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than the limit of %(limit)s bytes."),
                    params={"name": upload.name, "limit": limit},
                )
        return files
