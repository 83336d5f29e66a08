from django.urls import include, path

from servicehub.api.api import api
from servicehub.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("servicehub.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("servicehub.org.urls")),
    path("people/", include("servicehub.people.urls")),
    path("catalogue/", include("servicehub.catalogue.urls")),
    path("contracts/", include("servicehub.contracts.urls")),
    path("demands/", include("servicehub.demands.urls")),
    path("planning/", include("servicehub.planning.urls")),
    path("talent/", include("servicehub.talent.urls")),
    path("api/v1/", api.urls),
]

handler404 = "servicehub.core.views.not_found"
handler403 = "servicehub.core.views.forbidden"
handler500 = "servicehub.core.views.server_error"
