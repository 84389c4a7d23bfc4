from django.urls import path

from reports import views

app_name = "reports"

# Beside the story's own address (``articles:article``), outside the page it is on.
urlpatterns = [
    path("articles/<slug:slug>/report/", views.report, name="report"),
    path("articles/<slug:slug>/report/thanks/", views.thanks, name="thanks"),
]
