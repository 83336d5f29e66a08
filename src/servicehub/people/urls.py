from django.urls import path

from servicehub.people import views

app_name = "people"

urlpatterns = [
    path("specialists/", views.specialist_list, name="specialist-list"),
    path("specialists/<int:pk>/", views.specialist_detail, name="specialist-detail"),
]
