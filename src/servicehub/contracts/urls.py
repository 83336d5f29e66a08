from django.urls import path

from servicehub.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="contract-list"),
    path("<int:pk>/", views.contract_detail, name="contract-detail"),
]
