from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("declarations/", views.DeclarationListView.as_view(), name="list"),
    path("declarations/<int:pk>/", views.DeclarationDetailView.as_view(), name="detail"),
    path(
        "parliamentarians/<int:pk>/",
        views.ParliamentarianDetailView.as_view(),
        name="parliamentarian",
    ),
    path("pledge/<str:token>/", views.pledge, name="pledge"),
    path("godparent/<str:token>/", views.godparent, name="godparent"),
]
