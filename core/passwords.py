"""A password strength check by zxcvbn, which estimates how many guesses a password takes
and knows common passwords, names, dates, keyboard walks and repeats. The site's own words
and the user's name and address count as known words, so "Kazakhstan2024" is refused."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# zxcvbn refuses longer input; the rest of a longer password only adds strength.
ZXCVBN_MAX_LENGTH = 72

SITE_WORDS = [
    "political",
    "prisoner",
    "prisoners",
    "campaign",
    "campaigns",
    "declaration",
    "petition",
    "freedom",
    "kazakhstan",
    "astana",
    "almaty",
    "pace",
    "staff",
    "admin",
    "administrator",
]


class ZxcvbnValidator:
    def __init__(self, min_score=3):
        self.min_score = min_score

    def _user_words(self, user):
        if user is None:
            return []
        words = []
        for attribute in ("username", "email", "first_name", "last_name"):
            value = str(getattr(user, attribute, "") or "")
            local_part = value.split("@")[0]
            words += [value, local_part, *value.replace("@", " ").replace(".", " ").split()]
        return [word for word in words if word]

    def validate(self, password, user=None):
        result = zxcvbn(
            password[:ZXCVBN_MAX_LENGTH], user_inputs=SITE_WORDS + self._user_words(user)
        )
        if result["score"] < self.min_score:
            # zxcvbn's own advice is English only; this sentence is translated.
            raise ValidationError(
                _(
                    "This password is too easy to guess. Use a few unrelated words, or a "
                    "password manager's random password."
                ),
                code="password_too_weak",
            )

    def get_help_text(self):
        return _(
            "Your password must be hard to guess: not made of common words, names, dates, "
            "repeats or words related to this site."
        )
