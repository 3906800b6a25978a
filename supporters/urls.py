from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
