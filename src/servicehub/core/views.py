"""Home page, access tokens, the audit log, error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods

from servicehub.api.actions import do_issue_token, do_revoke_token
from servicehub.api.models import AccessToken
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.forms import AccessTokenForm
from servicehub.core.home import home_for
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.lists import Column, ListFilter, ListSpec, choices_from_enum, render_list
from servicehub.core.models import AuditLog
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


AUDIT_LIST = ListSpec(
    columns=[
        Column("at", gettext_lazy("When"), ("at", "id")),
        Column("actor", gettext_lazy("Who"), ("actor_label",)),
        Column("event", gettext_lazy("Event"), ("event",)),
        Column("object", gettext_lazy("Object"), ("object_type", "object_id")),
        Column("changes", gettext_lazy("Changes")),
    ],
    search_fields=["actor_label", "object_repr", "request_id"],
    default_sort="-at",
    template_name="core/audit_list.html",
    partial_template_name="core/_audit_results.html",
    search_label=gettext_lazy("Search by person, object or request id"),
    empty_title=gettext_lazy("No change recorded yet"),
    empty_hint=gettext_lazy(
        "Every change made through servicehub is recorded here, with who made it and when."
    ),
)


@login_required
@require_http_methods(["GET", "HEAD"])
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """The change log, read-only: the director reads it; others get the 404 of a missing page."""
    if request.user.persona != Persona.DIRECTOR:
        raise Http404(_("No such page."))
    entries = AuditLog.objects.restrict(request.user, "view")
    filters = [ListFilter("event", gettext_lazy("Event"), "event", choices_from_enum(AuditEvent.choices))]
    return render_list(request, entries.select_related("actor"), AUDIT_LIST, filters=filters)
