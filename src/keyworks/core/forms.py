"""Form helpers shared by the apps."""

from django import forms


def style_fields(form: forms.BaseForm) -> None:
    """Give each widget the Tabler/Bootstrap class it needs."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
