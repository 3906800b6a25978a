"""The demo campaign: a live campaign for the two journalists of the report, so that a new
user sees the supporters' side working."""

from django.utils import timezone

from declarations.models import Declaration
from prisoners.models import Prisoner

from .models import Campaign, LetterAction, Official, Petition


def campaign_demo():
    """Create the demo campaign once; later runs leave staff's edits alone."""
    campaign, created = Campaign.objects.get_or_create(
        slug="free-the-journalists",
        defaults={
            "title": "Free the journalists Duman Mukhametkarim and Daniyar Adilbekov",
            "summary": (
                "Two Kazakh journalists are in prison for their work: Duman Mukhametkarim "
                "for an interview, Daniyar Adilbekov for his Telegram channel."
            ),
            "story": (
                "Duman Mukhametkarim was sentenced to seven years after interviewing an "
                "opposition politician. Daniyar Adilbekov was sentenced to four and a half "
                "years over posts about corruption on his Telegram channel. Both were "
                "convicted in 2024. Journalism is not a crime."
            ),
            "status": Campaign.Status.LIVE,
            "starts_on": timezone.localdate(),
            "declaration": Declaration.objects.filter(declaration_number=804).first(),
        },
    )
    if created:
        journalists = Prisoner.objects.filter(slug__in=["duman-mukhametkarim", "daniyar-adilbekov"])
        campaign.featured_prisoners.set(journalists)
        president = Official.objects.create(
            name="Kassym-Jomart Tokayev",
            position="President of the Republic of Kazakhstan",
            postal_address="Akorda Presidential Palace\nAstana\nKazakhstan",
        )
        prosecutor = Official.objects.create(
            name="The Prosecutor General",
            position="Prosecutor General of Kazakhstan",
            postal_address="General Prosecutor's Office\nAstana\nKazakhstan",
        )
        letters = LetterAction.objects.create(
            campaign=campaign,
            slug="write-for-the-journalists",
            title="Ask for the journalists' release",
            subject="Release the journalists Duman Mukhametkarim and Daniyar Adilbekov",
            suggested_letter=(
                "Dear Sir,\n\nI am writing about the journalists Duman Mukhametkarim and "
                "Daniyar Adilbekov, sentenced in 2024 to seven and four and a half years in "
                "prison for their reporting. Kazakhstan has committed to protect freedom of "
                "expression. I ask you to release them and to end the prosecution of "
                "journalists for their work.\n\nYours faithfully,"
            ),
        )
        letters.recipients.set([president, prosecutor])
    Petition.objects.get_or_create(
        slug="free-duman-mukhametkarim-and-daniyar-adilbekov",
        defaults={
            "campaign": campaign,
            "title": "Release Duman Mukhametkarim and Daniyar Adilbekov",
            "target": "The President and the Prosecutor General of the Republic of Kazakhstan",
            "text": (
                "We call on the authorities of Kazakhstan to release the journalists Duman "
                "Mukhametkarim and Daniyar Adilbekov at once, to quash their convictions, and "
                "to stop prosecuting journalists for their reporting."
            ),
            "goal": 5000,
        },
    )
    return campaign
