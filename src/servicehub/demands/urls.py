from django.urls import path

from servicehub.demands import views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="demand-list"),
    path("new/", views.demand_create, name="demand-create"),
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/prepare/", views.invoice_prepare, name="invoice-prepare"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("contracts/<int:pk>/service-levels/", views.service_review, name="service-review"),
    path("<int:pk>/", views.demand_detail, name="demand-detail"),
    path("<int:pk>/edit/", views.demand_edit, name="demand-edit"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/remove/", views.attachment_remove, name="attachment-remove"
    ),
    path("<int:pk>/<slug:name>/", views.demand_transition, name="demand-transition"),
]
