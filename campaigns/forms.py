from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotForm, country_field
from core.templatetags.translated import NOT_YET_TRANSLATED, resolve

# What to do, rather than "This field is required": the words a reader acts on.
NAME_ERRORS = {
    "required": _("Enter your name"),
    "max_length": _("Your name must be %(limit_value)d characters or fewer"),
}
EMAIL_ERRORS = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
    "max_length": _("Your email address must be %(limit_value)d characters or fewer"),
}
COUNTRY_ERRORS = {"required": _("Select your country")}


def email_field(**kwargs):
    return forms.EmailField(
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        **kwargs,
    )


class SignPetitionForm(HoneypotForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages=NAME_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field(
        label=_("Email"), help_text=_("We send you a link to confirm your signature.")
    )
    country = country_field(
        label=_("Country"), first_label=_("Select your country"), error_messages=COUNTRY_ERRORS
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        error_messages={
            "max_length": _("Your comment must be %(limit_value)d characters or fewer")
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_name = forms.BooleanField(
        label=_(
            "Show my first name and country among the recent signers, and in the "
            "petition we hand to the officials"
        ),
        required=False,
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
        label=_("Your name"),
        max_length=200,
        error_messages=NAME_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field(
        label=_("Your email"), help_text=_("Replies from the officials come to you.")
    )
    country = country_field(
        label=_("Country"), first_label=_("Select your country"), error_messages=COUNTRY_ERRORS
    )
    body = forms.CharField(
        label=_("Your letter"),
        max_length=5000,
        error_messages={
            "required": _("Write your letter"),
            "max_length": _("Your letter must be %(limit_value)d characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Edit it as you like: a letter in your own words counts most."),
    )

    def mark_suggestion_language(self, action):
        """The suggested letter in the page's language or, failing that, the one it is
        written in, with that language on the box and a word on it below."""
        text, language = resolve(action, "suggested_letter")
        self.initial["body"] = text
        if language != get_language():
            self.fields["body"].widget.attrs["lang"] = language
            self.fields["body"].help_text = format_html(
                "{} {}", self.fields["body"].help_text, NOT_YET_TRANSLATED.get(get_language(), "")
            )


class SolidarityMessageForm(HoneypotForm):
    name = forms.CharField(
        label=_("Sign as"),
        max_length=100,
        help_text=_("A first name is enough."),
        error_messages={
            "required": _("Enter the name to sign your message with"),
            "max_length": _("The name must be %(limit_value)d characters or fewer"),
        },
    )
    country = country_field(
        label=_("Country (optional)"),
        required=False,
        first_label=_("Select your country"),
        error_messages=COUNTRY_ERRORS,
    )
    text = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        error_messages={
            "required": _("Write your message"),
            "max_length": _("Your message must be %(limit_value)d characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Up to 1,000 characters. Staff read every message before it is printed and posted."
        ),
    )


class PrivacyRequestForm(forms.Form):
    email = email_field(label=_("Your email"))
