from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    """A field that people never see and bots fill in. A bot's submission is answered as
    if it had worked, and nothing is saved."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "website"] + ["website"])

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
