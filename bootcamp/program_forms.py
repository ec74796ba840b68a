"""The program builder's forms: shapes and types only; the rules (day
ranges within the working days, published versions never changing) are
the services', shown under the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_WORKING_DAYS, ItemKind, Module

DAY = {"min_value": 1, "max_value": MAX_WORKING_DAYS}


class ProgramForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Letters, digits and hyphens, e.g. field-installer-bootcamp.")
    )
    working_days = forms.IntegerField(label=_("Working days"), initial=10, **DAY)


class SettingsForm(forms.Form):
    working_days = forms.IntegerField(label=_("Working days"), **DAY)


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)
    first_day = forms.IntegerField(label=_("First working day"), **DAY)
    last_day = forms.IntegerField(label=_("Last working day"), **DAY)


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Item title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.TASK)
    description = forms.CharField(
        label=_("Instructions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the installer does and how the lead checks it; shown on the tablet."),
    )
    needs_signoff = forms.BooleanField(label=_("Needs lead sign-off"), required=False)
    needs_evidence = forms.BooleanField(label=_("Needs a photo as evidence"), required=False)
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none(), required=False)

    def __init__(self, *args, modules=None, **kwargs):
        super().__init__(*args, **kwargs)
        if modules is None:
            del self.fields["module"]  # adding: the module is the one the page is for
        else:
            self.fields["module"].queryset = modules
            self.fields["module"].required = True
            self.fields["module"].label_from_instance = lambda m: f"{m.position}. {m.title}"


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Move up")), ("down", _("Move down"))])


class CompareForm(forms.Form):
    """Two versions of one program, by number."""

    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, self._label(v)) for v in versions]
        self.fields["old"].choices = self.fields["new"].choices = choices

    @staticmethod
    def _label(version) -> str:
        state = _("published") if version.is_published else _("draft")
        return f"v{version.number} ({state})"
