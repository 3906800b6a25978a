from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Supporters' actions: petitions with confirmed signatures, letters to officials and
    solidarity messages to prisoners, with the emails and reminders around them.
    """

    name = "campaigns"
