from django.urls import path

from servicehub.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("work-units/", views.workunit_list, name="workunit-list"),
    path("work-units/<int:pk>/", views.workunit_detail, name="workunit-detail"),
    path("price-lists/", views.pricelist_list, name="pricelist-list"),
    path("price-lists/<int:pk>/", views.pricelist_detail, name="pricelist-detail"),
]
