"""Sign-in, sign-out and access tokens. Not namespaced: `LOGIN_URL = "login"` and `{% url "home" %}`."""

from django.contrib.auth import views as auth_views
from django.urls import path

from servicehub.core import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_log, name="audit-log"),
]
