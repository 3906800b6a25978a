from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assembly, Declaration
from .pace.importing import IMPORT_STATUSES

MAX_UPLOAD = 1024 * 1024


class DeclarationPasteForm(forms.Form):
    assembly = forms.ModelChoiceField(queryset=Assembly.objects.all(), label=_("Assembly"))
    text = forms.CharField(
        label=_("Text of the published declaration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text=_("Paste the whole document, or the web page, including the signatories."),
    )
    upload = forms.FileField(label=_("…or upload it as a text file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if Assembly.objects.count() == 1:
            self.fields["assembly"].initial = Assembly.objects.get()

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return ""
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 1 MB; is it a text file?"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. Save it as plain text (.txt) and try again.")
            ) from error

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("upload") or cleaned.get("text") or ""
        if not text.strip() and not self.errors:
            raise forms.ValidationError(_("Paste the text or upload a file."))
        # Keep the uploaded text in the form, so that confirming does not need the file again;
        # a paste the form refused stays as it was typed, for staff to correct.
        cleaned["text"] = text
        if text:
            self.data = self.data.copy()
            self.data["text"] = text
        return cleaned

    def choices(self):
        """Staff's answers to "Who is this?", by signatory: a parliamentarian's pk or
        "new". The import keeps only those that fit its plan."""
        return {
            int(key.removeprefix("match_")): value
            for key, value in self.data.items()
            if key.startswith("match_") and key[6:].isdigit() and len(key) < 16
        }


class InviteForm(forms.Form):
    declaration = forms.ModelChoiceField(
        queryset=Declaration.objects.filter(
            status__in=[Declaration.Status.COLLECTING, Declaration.Status.THRESHOLD_MET]
        ),
        label=_("Declaration"),
        help_text=_("Only declarations that are collecting signatures."),
    )


class ImportSaveForm(forms.Form):
    """How to save an import short of the threshold: published anyway, once confirmed, or
    with a lower status."""

    # Offered only for a text short of the threshold; otherwise it is published.
    status = forms.TypedChoiceField(
        label=_("Save as"),
        choices=[(status.value, status.label) for status in IMPORT_STATUSES],
        initial=IMPORT_STATUSES[0].value,
        required=False,
        empty_value=IMPORT_STATUSES[0].value,
        widget=forms.RadioSelect,
    )
    below_threshold = forms.BooleanField(
        label=_("Yes, publish it below the threshold: these are all the signatures it has."),
        required=False,
    )
