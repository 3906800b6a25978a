from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.CampaignListView.as_view(), name="list"),
    path("campaigns/<slug:slug>/", views.CampaignDetailView.as_view(), name="detail"),
    path("petitions/<slug:slug>/", views.petition, name="petition"),
    path("campaigns/<slug:slug>/share.png", views.campaign_share_image, name="share"),
    path("petitions/<slug:slug>/share.png", views.petition_share_image, name="petition_share"),
    path("petitions/<slug:slug>/thanks/", views.thanks, name="thanks"),
    # Only this page may be shown in a frame on other sites (core.security.embeddable).
    path("embed/petitions/<slug:slug>/", views.petition_embed, name="embed"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("letters/<slug:slug>/", views.letter, name="letter"),
    path("messages/<slug:slug>/", views.message, name="message"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/<str:token>/", views.privacy_manage, name="privacy_manage"),
]
