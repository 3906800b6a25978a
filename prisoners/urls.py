from django.urls import path

from . import views

app_name = "prisoners"

urlpatterns = [
    path("prisoners/", views.PrisonerListView.as_view(), name="list"),
    path("prisoners/export.<str:fmt>", views.PrisonerExportView.as_view(), name="export"),
    path("prisoners/<slug:slug>/", views.PrisonerDetailView.as_view(), name="detail"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<slug:slug>/", views.CaseDetailView.as_view(), name="case"),
    path("dates/", views.upcoming_dates, name="upcoming"),
    path("dates.ics", views.upcoming_dates_ical, name="upcoming_ical"),
    # Share images (core.shareimages); the list's is the site's, for every list page.
    path("prisoners/share.png", views.list_share_image, name="list_share"),
    path("prisoners/<slug:slug>/share.png", views.share_image, name="share"),
    path("cases/<slug:slug>/share.png", views.case_share_image, name="case_share"),
]
