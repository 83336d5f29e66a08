from django.urls import path

from servicehub.demands import views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="demand-list"),
    path("new/", views.demand_create, name="demand-create"),
    path("<int:pk>/", views.demand_detail, name="demand-detail"),
    path("<int:pk>/<slug:name>/", views.demand_transition, name="demand-transition"),
]
