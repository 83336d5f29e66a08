from django.urls import include, path

app_name = "talent"

# Each part of the recruiting pages keeps its routes beside its views.
urlpatterns = [
    path("schools/", include("servicehub.talent.views.schools")),
    path("campaigns/", include("servicehub.talent.views.campaigns")),
    path("candidates/", include("servicehub.talent.views.candidates")),
    path("", include("servicehub.talent.views.reports")),
]
