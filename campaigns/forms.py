from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotForm, country_field


class SignPetitionForm(HoneypotForm):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = country_field(label=_("Country"))
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
        label=_(
            "Send me updates about this campaign, and reminders of the court hearings and "
            "birthdays of its prisoners (you can unsubscribe at any time)"
        ),
        required=False,
    )


class LetterForm(HoneypotForm):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("Replies from the officials come to you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = country_field(label=_("Country"))
    body = forms.CharField(
        label=_("Your letter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Edit it as you like: a letter in your own words counts most."),
    )


class SolidarityMessageForm(HoneypotForm):
    name = forms.CharField(
        label=_("Sign as"), max_length=100, help_text=_("A first name is enough.")
    )
    country = country_field(label=_("Country (optional)"), required=False)
    text = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Up to 1,000 characters. Staff read every message before it is printed and posted."
        ),
    )


class PrivacyRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)
