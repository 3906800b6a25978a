from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class SignPetitionForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(blank=False).formfield(label=_("Country"))
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_name = forms.BooleanField(
        label=_("Show my first name and country among the recent signers"), required=False
    )
    mailing = forms.BooleanField(
        label=_("Send me updates about this campaign (you can unsubscribe at any time)"),
        required=False,
    )
    # Bots fill every field; people never see this one.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
