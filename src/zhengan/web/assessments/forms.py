# ruff: noqa: RUF012  (Django reads ModelForm.Meta as declared)
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhengan.web.assessments.models import Assessment, Assessor, Drill, Qualification, Result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssessorForm(forms.ModelForm):
    class Meta:
        model = Assessor
        fields = (
            "name",
            "organisation",
            "kind",
            "team_role",
            "user",
            "independence_statement",
            "independence_declared_on",
            "confidentiality_pledge_on",
            "no_concealment_on",
        )
        widgets = {
            "independence_statement": forms.Textarea(attrs={"rows": 3}),
            "independence_declared_on": DATE,
            "confidentiality_pledge_on": DATE,
            "no_concealment_on": DATE,
        }

    def clean(self):
        data = super().clean()
        if data.get("independence_declared_on") and not (data.get("independence_statement") or "").strip():
            self.add_error(
                "independence_statement",
                _("Write the independence statement the assessor declared (AP-7.1)."),
            )
        return data


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ("category", "name", "certificate_number", "expires_on")
        widgets = {"expires_on": DATE}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = (
            "title",
            "systems",
            "period_start",
            "period_end",
            "unit_kind",
            "unit_name",
            "unit_independence",
            "team",
        )
        widgets = {
            "systems": forms.CheckboxSelectMultiple,
            "team": forms.CheckboxSelectMultiple,
            "period_start": DATE,
            "period_end": DATE,
            "unit_independence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        from zhengan.web.register.services import active_systems

        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = active_systems().order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class ResultForm(forms.Form):
    value = forms.ChoiceField(label=_("Result"), choices=Result.Value.choices)
    note = forms.CharField(
        label=_("Assessor's record (for not applicable: the reason)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_title = forms.CharField(label=_("Evidence title"), required=False, max_length=200)
    evidence_file = forms.FileField(label=_("Evidence file (optional)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("value") == Result.Value.NOT_APPLICABLE and not (data.get("note") or "").strip():
            self.add_error("note", _("Not applicable needs a reason."))
        upload = data.get("evidence_file")
        if upload is not None:
            if upload.size > settings.ZHENGAN_EVIDENCE_MAX_BYTES:
                self.add_error("evidence_file", _("The file is larger than the limit."))
            if not (data.get("evidence_title") or "").strip():
                self.add_error("evidence_title", _("Give the evidence a title."))
        return data


class DrillForm(forms.ModelForm):
    class Meta:
        model = Drill
        fields = ("held_on", "mails_sent", "opened", "clicked", "reported", "follow_up")
        widgets = {"held_on": DATE, "follow_up": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        sent = data.get("mails_sent")
        for name in ("opened", "clicked", "reported"):
            value = data.get(name)
            if sent is not None and value is not None and value > sent:
                self.add_error(name, _("More than the mails sent."))
        return data


class IssueForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[("zh", _("Traditional Chinese")), ("en", _("English"))],
        initial=["zh"],
        widget=forms.CheckboxSelectMultiple,
    )
