"""Partner schools: the list, one partnership's page (its contacts and what was done with the school),
a new partnership with a school organisation, a contact added, an action recorded.

Everyone the querysets let read partnerships sees these pages; those who may change them (recruiters,
directors) also get the forms. Views parse and render; the actions check again and audit.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from servicehub.core import clock
from servicehub.core.forms import add_action_errors
from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.lists import Column, ListSpec, render_list
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, persona_in
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.talent import actions
from servicehub.talent.choices import PartnershipActionKind
from servicehub.talent.models import Partnership, PartnershipAction, PartnershipContact
from servicehub.talent.querysets import PARTNERSHIP_EDITORS, TALENT_READERS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def ensure_talent_reader(user: User) -> None:
    """Recruiting pages are for the staff who plan and hire (clients already got a 404)."""
    if not persona_in(user, *TALENT_READERS):
        raise PermissionDenied(_("Recruiting pages are for the provider's managers and recruiters."))


def may_add_partnerships(user: User) -> bool:
    return persona_in(user, *PARTNERSHIP_EDITORS)


# ---------------------------------------------------------------------------
# The list

SCHOOL_LIST = ListSpec(
    columns=[
        Column("school", gettext_lazy("School"), ("school__name",)),
        Column("city", gettext_lazy("City"), ("school__city", "school__name")),
        Column("since", gettext_lazy("Partner since"), ("since",)),
        Column("fields", gettext_lazy("Fields")),
        Column("contacts", gettext_lazy("Contacts"), ("contact_count",), numeric=True),
        Column("actions", gettext_lazy("Actions"), ("action_count",), numeric=True),
        Column("last", gettext_lazy("Last action"), ("-last_action",)),
    ],
    search_fields=["school__name", "school__city"],
    default_sort="school",
    template_name="talent/school_list.html",
    partial_template_name="talent/_school_results.html",
    search_label=gettext_lazy("Search by school or city"),
    empty_title=gettext_lazy("No partner school yet"),
    empty_hint=gettext_lazy(
        "A partnership records what the centre does with a school or university: internships, "
        "recruitment days, joint projects."
    ),
)


def partnerships_for_list(user: User) -> QuerySet[Partnership]:
    """Visible partnerships with their school and counts, in a fixed number of queries."""
    return (
        Partnership.objects.restrict(user, Action.VIEW)
        .select_related("school")
        .annotate(
            contact_count=Count("contacts", distinct=True),
            action_count=Count("actions", distinct=True),
            last_action=Max("actions__starts_on"),
        )
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def school_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ensure_talent_reader(user)
    return render_list(
        request,
        partnerships_for_list(user),
        SCHOOL_LIST,
        context={"may_add": may_add_partnerships(user)},
    )


# ---------------------------------------------------------------------------
# One partnership


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def school_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    partnership: Partnership = get_visible_or_404(user, Partnership.objects.select_related("school"), pk=pk)
    contacts = PartnershipContact.objects.restrict(user, Action.VIEW).filter(partnership=partnership)
    done = (
        PartnershipAction.objects.restrict(user, Action.VIEW)
        .filter(partnership=partnership)
        .select_related("site")
        .order_by("-starts_on", "-id")
    )
    context: dict[str, Any] = {
        "partnership": partnership,
        "contacts": contacts,
        "partnership_actions": done,
        "may_change": Partnership.objects.restrict(user, Action.CHANGE).filter(pk=partnership.pk).exists(),
    }
    return render(request, "talent/school_detail.html", context)


# ---------------------------------------------------------------------------
# Forms


class PartnershipForm(forms.Form):
    school = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=gettext_lazy("School"),
        empty_label="—",
        help_text=gettext_lazy("A school or university already recorded as an organisation."),
    )
    since = forms.DateField(label=gettext_lazy("Partner since"), widget=DATE)
    # Not `fields`, which is the form's own mapping of its fields.
    study_fields = forms.CharField(
        label=gettext_lazy("Fields"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("The school's fields the centre recruits in."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        # Schools the provider is not a partner of yet (the action refuses a second partnership too).
        school.queryset = (
            Organisation.objects.restrict(user, Action.VIEW)
            .filter(kind=OrganisationKind.SCHOOL)
            .exclude(partnerships__provider_id=user.organisation_id)
            .order_by("name")
        )


@provider_staff_required
@require_http_methods(["GET", "POST"])
def school_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ensure_talent_reader(user)
    if not may_add_partnerships(user):
        raise PermissionDenied(_("Only a recruiter or a director records a partnership."))
    form = PartnershipForm(request.POST or None, user=user, initial={"since": clock.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                partnership = actions.do_create_partnership(
                    provider=user.organisation,
                    school=data["school"],
                    since=data["since"],
                    fields=data["study_fields"],
                    note=data["note"],
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request, _("%(school)s is now a partner school.") % {"school": partnership.school.name}
                )
                return redirect("talent:school-detail", pk=partnership.pk)
        status = 400
    school = form.fields["school"]
    assert isinstance(school, forms.ModelChoiceField)
    schools_left = school.queryset is not None and school.queryset.exists()
    return render(
        request, "talent/school_form.html", {"form": form, "schools_left": schools_left}, status=status
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)


@provider_staff_required
@require_http_methods(["GET", "POST"])
def school_contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    partnership: Partnership = get_visible_or_404(
        user, Partnership.objects.select_related("school"), Action.CHANGE, pk=pk
    )
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact = actions.do_add_partnership_contact(partnership, actor=user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is added to the contacts.") % {"name": contact.name})
                return redirect(_anchor(partnership, "contacts"))
        status = 400
    return render(
        request,
        "talent/school_contact_form.html",
        {"form": form, "partnership": partnership},
        status=status,
    )


class PartnershipActionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "—"), *PartnershipActionKind.choices])
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    site = forms.ModelChoiceField(
        Site.objects.none(),
        label=gettext_lazy("Site"),
        required=False,
        empty_label=gettext_lazy("No site in particular"),
    )
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DATE)
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Leave empty for a single day."),
    )
    people = forms.IntegerField(
        label=gettext_lazy("People"),
        min_value=0,
        max_value=100000,
        initial=0,
        help_text=gettext_lazy("Interns hosted, students met or team size."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = (
            Site.objects.restrict(user, Action.VIEW).filter(provider_id=user.organisation_id).order_by("name")
        )


@provider_staff_required
@require_http_methods(["GET", "POST"])
def school_action_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    partnership: Partnership = get_visible_or_404(
        user, Partnership.objects.select_related("school"), Action.CHANGE, pk=pk
    )
    form = PartnershipActionForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_record_partnership_action(
                    partnership,
                    kind=PartnershipActionKind(data["kind"]),
                    title=data["title"],
                    site=data["site"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    people=data["people"],
                    note=data["note"],
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The action is recorded."))
                return redirect(_anchor(partnership, "actions"))
        status = 400
    return render(
        request,
        "talent/school_action_form.html",
        {"form": form, "partnership": partnership},
        status=status,
    )


def _anchor(partnership: Partnership, section: str) -> str:
    return f"{reverse('talent:school-detail', args=[partnership.pk])}#{section}"


urlpatterns = [
    path("", school_list, name="school-list"),
    path("new/", school_create, name="school-create"),
    path("<int:pk>/", school_detail, name="school-detail"),
    path("<int:pk>/contacts/new/", school_contact_add, name="school-contact-add"),
    path("<int:pk>/actions/new/", school_action_add, name="school-action-add"),
]
