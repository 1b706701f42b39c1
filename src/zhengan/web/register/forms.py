# ruff: noqa: RUF012  (Django form Meta declares class-level lists and dicts)
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.register.models import (
    CLASS_CHOICES,
    AssessmentPlan,
    DeviceGroup,
    Incident,
    InformationSystem,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SystemForm(forms.ModelForm):
    """Every fact of a system (004 section 3); the class follows from them (AP-3.1)."""

    core_functions = forms.CharField(
        label=_("core functions (交易、報價、中台風控、盤後結算、帳務 …, separated by 、 or commas)"),
        required=False,
        max_length=500,
    )

    class Meta:
        model = InformationSystem
        fields = [
            "name",
            "owner",
            "owner_user",
            "description",
            "sourcing",
            "vendor",
            "customer_internet_service",
            "core",
            "core_functions",
            "stores_customer_data",
            "stores_personal_data",
            "e_trading",
            "internet_facing",
            "cloud_hosted",
            "swift",
            "registered_on",
            "last_assessed_on",
            "decommissioned_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "registered_on": DATE,
            "last_assessed_on": DATE,
            "decommissioned_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["core_functions"] = "、".join(self.instance.core_functions)

    def clean_core_functions(self) -> list[str]:
        text = self.cleaned_data.get("core_functions") or ""
        for sep in ("，", "、", ";"):
            text = text.replace(sep, ",")
        return [part.strip() for part in text.split(",") if part.strip()]


class ClassOverrideForm(forms.Form):
    """Setting the class by hand needs a written reason (AP-3.1); clearing it returns to the derived class."""

    class_override = forms.TypedChoiceField(
        label=_("Class"),
        choices=[("", _("as derived from the facts (AP-3.1)")), *CLASS_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (required when setting a class)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("class_override") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Write down why the firm sets this class."))
        return data


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["kind", "confirmed_on", "reference", "description"]
        widgets = {"confirmed_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def clean_confirmed_on(self):
        confirmed = self.cleaned_data["confirmed_on"]
        if confirmed > timezone.localdate():
            raise forms.ValidationError(_("The confirmation date cannot be in the future."))
        return confirmed


class DeviceGroupForm(forms.ModelForm):
    class Meta:
        model = DeviceGroup
        fields = ["kind", "count", "firm_owned", "note"]


class DeviceListForm(forms.Form):
    file = forms.FileField(label=_("Device list (CSV, one device per row, a hostname or asset id column)"))
    size = forms.IntegerField(label=_("Sample size (empty: the AP-3.2 minimum)"), required=False, min_value=1)


class RedrawForm(forms.Form):
    file = forms.FileField(label=_("The same device list"))


class DecommissionForm(forms.Form):
    decommissioned_on = forms.DateField(label=_("Decommissioned on"), widget=DATE, initial=timezone.localdate)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Register file (.xlsx or .csv)"))


class PlanForm(forms.ModelForm):
    """An approval of the assessment plan (AP-2.2), with the approval document as evidence if given."""

    document_file = forms.FileField(label=_("Approval document (optional, kept as evidence)"), required=False)

    class Meta:
        model = AssessmentPlan
        fields = ["title", "approver", "approver_name", "approved_on", "note"]
        widgets = {"approved_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def clean_approved_on(self):
        approved = self.cleaned_data["approved_on"]
        if approved > timezone.localdate():
            raise forms.ValidationError(_("The approval date cannot be in the future."))
        return approved
