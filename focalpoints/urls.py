from django.urls import path

from . import views

app_name = "focalpoints"
urlpatterns = [path("", views.directory, name="directory")]
