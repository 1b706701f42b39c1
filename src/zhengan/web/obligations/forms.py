from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.obligations import services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (Django's documented pattern for <input type=file multiple>)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:  # no file chosen: the field's own "required" error
                return [single(None, initial)]
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class CompleteForm(forms.Form):
    done_on = forms.DateField(
        label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence files (one or more)"))

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("The completion date cannot be in the future."))
        return done_on

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > settings.ZHENGAN_EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than the limit of %(limit)s bytes."),
                    params={"name": upload.name, "limit": settings.ZHENGAN_EVIDENCE_MAX_BYTES},
                )
        return files


class AssignForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    apply_to = forms.ChoiceField(
        label=_("Applies to"),
        choices=[
            ("obligation", _("this obligation only")),
            ("control", _("every obligation of this control")),
        ],
        initial="obligation",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("unassigned")), *services.owner_choices()]


class EventForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Event"))
    occurred_on = forms.DateField(
        label=_("Date (for 'before ...' events, the planned date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    reference = forms.CharField(
        label=_("Reference (INC-2026-007, app v3.2, a leaver's name)"), max_length=100
    )
    system = forms.ModelChoiceField(label=_("System (optional)"), queryset=None, required=False)

    def __init__(self, *args, language: str = "zh-hant", **kwargs):
        super().__init__(*args, **kwargs)
        from zhengan.web.register.services import active_systems

        self.fields["trigger"].choices = [(key, label.get(language)) for key, label in services.triggers()]
        self.fields["system"].queryset = active_systems()

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip()
        if "\n" in value or "\r" in value or not value:
            raise forms.ValidationError(_("One line of text."))
        return value
