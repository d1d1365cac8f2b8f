"""Field-work forms (mobile first: camera upload, large inputs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keyworks.core.forms import style_fields

from .models import FieldworkSettings, ProgressUpdate, Visit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; the services check each one is an image."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files]


class UpdateForm(forms.ModelForm):
    # On a phone this opens the camera straight away (a field update is shot on site).
    photos = PhotosField(
        label=_("现场照片"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/*", "capture": "environment", "multiple": True}
        ),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["text", "percent_complete", "problems_noticed"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "problems_noticed": forms.Textarea(attrs={"rows": 2}),
            "percent_complete": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class VisitForm(forms.ModelForm):
    month = forms.DateField(
        label=_("核验月份"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    photos = PhotosField(label=_("核验照片"), required=False)

    class Meta:
        model = Visit
        fields = [
            "month",
            "visit_date",
            "people",
            "verified_investment",
            "verified_percent",
            "findings",
        ]
        widgets = {
            "visit_date": forms.DateInput(attrs={"type": "date"}),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "verified_investment": forms.NumberInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("追加照片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FieldworkSettings
        fields = ["dispute_percent", "distance_km", "update_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
