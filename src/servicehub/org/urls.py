from django.urls import path

from servicehub.org import views

app_name = "org"

urlpatterns = [
    path("sites/", views.site_list, name="site-list"),
    path("sites/<int:pk>/", views.site_detail, name="site-detail"),
]
