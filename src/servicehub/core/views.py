"""Home page, access tokens, error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods

from servicehub.api.actions import do_issue_token, do_revoke_token
from servicehub.api.models import AccessToken
from servicehub.core.forms import AccessTokenForm
from servicehub.core.home import home_for
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.tenancy import get_visible_or_404


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/home.html", {"home": home_for(request.user)})


@login_required
@never_cache  # the page may carry a freshly issued token, shown once
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST or None)
    issued: tuple[AccessToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = do_issue_token(name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = AccessTokenForm()
    tokens = AccessToken.objects.restrict(request.user, "view").order_by("revoked_at", "-created_at")
    status = 400 if request.method == "POST" and issued is None else 200
    context = {
        "form": form,
        "tokens": tokens,
        "new_token": issued[0] if issued else None,
        "new_token_plain": issued[1] if issued else "",
    }
    return render(request, "core/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_visible_or_404(request.user, AccessToken.objects.all(), "change", pk=pk)
    if request.method == "POST":
        do_revoke_token(token, actor=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("token-list")
    if token.revoked_at is not None:
        messages.info(request, _("The token “%(name)s” was already revoked.") % {"name": token.name})
        return redirect("token-list")
    return render(request, "core/token_revoke.html", {"token": token})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        # API clients read JSON, even for a path that no endpoint answers.
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "core/errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/403.html", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever failed may fail again.
    template = loader.get_template("core/errors/500.html")
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": get_language()}))
