"""The set-up pages: a new förbund (system administrator), its member parties, teams,
users and their roles (förbund administrator or system administrator).

Thin: forms parse, ``organisation.services`` and ``access.accounts`` write (scope check,
validation, one transaction, history, security log), selectors read. Whatever is out of
the user's reach is a 404, as everywhere.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samspar.access import accounts
from samspar.core.parsing import posted_id
from samspar.organisation import selectors, services
from samspar.organisation import setup_forms as forms
from samspar.organisation.models import County, Forbund, MemberParty, Team
from samspar.organisation.views import GET_POST, _try_save, _user, show_errors


def _site(request: HttpRequest) -> str:
    """The site's address for links in e-mails (scheme and host of this request)."""
    return request.build_absolute_uri("/")


# E-mail backends that do not deliver: the message, link included, is written to the
# server's output (stdout, the journal) or kept in memory.
UNDELIVERED_MAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


def _warn_if_mail_not_sent(request: HttpRequest) -> None:
    """Tell the administrator when no SMTP server is configured: the link to set a
    password was written to the server's log instead of sent, and the new user will not
    get it unless the administrator passes it on (docs/deployment.md, "E-mail")."""
    if settings.EMAIL_BACKEND in UNDELIVERED_MAIL_BACKENDS:
        messages.warning(
            request,
            _(
                "No e-mail server is configured (SAMSPAR_EMAIL_HOST), so the e-mail with "
                "the link was written to the server's log instead of sent. Ask the server's "
                "operator for the link and pass it on safely, or configure e-mail "
                "(docs/deployment.md, E-mail)."
            ),
        )


def _forbund_for_people(request: HttpRequest, forbund_id: int) -> Forbund:
    return get_object_or_404(selectors.forbund_for_people(request.user), pk=forbund_id)


def _admin_here(request: HttpRequest, forbund: Forbund) -> bool:
    """Whether the user is the förbund's administrator (then the förbund page and its
    teams are theirs too; a system administrator has only the people and parties)."""
    return forbund.pk in accounts.administered_forbund_ids(request.user)


# --- a new förbund --------------------------------------------------------------------


def _chosen_county(request: HttpRequest) -> County | None:
    """The county whose municipalities the form lists: the posted one, else ?lan=."""
    code = request.POST.get("county") or request.GET.get("lan") or ""
    if not re.fullmatch(r"[0-9]{2}", code):
        return None
    return County.objects.filter(code=code).first()


@login_required
@GET_POST
def forbund_create(request: HttpRequest) -> HttpResponse:
    if not accounts.is_system_administrator(request.user):
        raise Http404
    county = _chosen_county(request)
    form = forms.ForbundCreateForm(request.POST or None, initial={"county": county}, county=county)
    created: list[Forbund] = []

    def save() -> None:
        data = form.cleaned_data
        new_admin = None
        if data["admin"] is None:
            new_admin = services.NewUser(
                username=data["admin_username"],
                first_name=data["admin_first_name"],
                last_name=data["admin_last_name"],
                email=data["admin_email"],
            )
        created.append(
            services.create_forbund(
                user=_user(request),
                name=data["name"],
                county=data["county"],
                organisation_number=data["organisation_number"],
                with_fk=data["with_fk"],
                with_af=data["with_af"],
                with_region=data["with_region"],
                municipalities=list(data["municipalities"]),
                admin=data["admin"],
                new_admin=new_admin,
                link_base_url=_site(request),
            )
        )

    if request.method == "POST" and _try_save(form, save):
        if form.cleaned_data["admin"] is None:
            messages.success(
                request,
                _(
                    "The förbund was created, and its administrator was sent a link to set "
                    "a password to %(email)s."
                )
                % {"email": form.cleaned_data["admin_email"]},
            )
            _warn_if_mail_not_sent(request)
        else:
            messages.success(request, _("The förbund was created."))
        return redirect("forbund-users", created[0].pk)
    return render(
        request,
        "organisation/setup/forbund_create.html",
        {
            "form": form,
            "county": county,
            "counties": County.objects.all(),
            "region_name": selectors.region_name(county) if county else "",
        },
    )


# --- member parties -------------------------------------------------------------------


@login_required
@GET_POST
def forbund_parties(request: HttpRequest, forbund_id: int) -> HttpResponse:
    forbund = _forbund_for_people(request, forbund_id)
    form = forms.PartyForm(
        request.POST if request.POST.get("action") == "add" else None, forbund=forbund
    )
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            party = get_object_or_404(MemberParty, forbund=forbund, pk=posted_id(request))
            try:
                services.remove_member_party(user=_user(request), party=party)
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("The party was removed."))
            return redirect("forbund-parties", forbund.pk)
        if _try_save(
            form,
            lambda: services.add_member_party(
                user=_user(request), forbund=forbund, **form.cleaned_data
            ),
        ):
            messages.success(request, _("The party was added."))
            return redirect("forbund-parties", forbund.pk)
    return render(
        request,
        "organisation/setup/parties.html",
        {
            "forbund": forbund,
            "admin_here": _admin_here(request, forbund),
            "parties": selectors.parties_of(forbund),
            "form": form,
            "history": MemberParty.history.filter(forbund_id=forbund.pk)
            .select_related("history_user")
            .order_by("-history_date")[:50],
        },
    )


# --- teams ----------------------------------------------------------------------------


@login_required
@GET_POST
def forbund_teams(request: HttpRequest, forbund_id: int) -> HttpResponse:
    forbund = get_object_or_404(selectors.administered_forbund(request.user), pk=forbund_id)
    form = forms.TeamForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            team = get_object_or_404(Team, forbund=forbund, pk=posted_id(request))
            services.delete_team(user=_user(request), team=team)
            messages.success(request, _("The team was removed."))
            return redirect("forbund-teams", forbund.pk)
        if _try_save(
            form,
            lambda: services.create_team(
                user=_user(request), forbund=forbund, name=form.cleaned_data["name"]
            ),
        ):
            messages.success(request, _("The team was created."))
            return redirect("forbund-teams", forbund.pk)
    return render(
        request,
        "organisation/setup/teams.html",
        {"forbund": forbund, "teams": selectors.teams_of(forbund), "form": form},
    )


# --- users and roles ------------------------------------------------------------------


@login_required
def forbund_users(request: HttpRequest, forbund_id: int) -> HttpResponse:
    forbund = _forbund_for_people(request, forbund_id)
    roles = accounts.roles_in_forbund(forbund.pk)
    users = accounts.users_of_forbund(forbund.pk).prefetch_related(
        Prefetch("role_assignments", queryset=roles, to_attr="roles_here")
    )
    return render(
        request,
        "organisation/setup/users.html",
        {"forbund": forbund, "users": users, "admin_here": _admin_here(request, forbund)},
    )


@login_required
@GET_POST
def forbund_user_create(request: HttpRequest, forbund_id: int) -> HttpResponse:
    forbund = _forbund_for_people(request, forbund_id)
    actor = _user(request)
    form = forms.UserCreateForm(request.POST or None, actor=actor, forbund=forbund)
    created: list[User] = []

    def save() -> None:
        data = form.cleaned_data
        insats = data.get("insats")
        created.append(
            accounts.create_user(
                actor=actor,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                forbund=forbund if insats is None else None,
                insats=insats,
                link_base_url=_site(request),
            )
        )

    if request.method == "POST" and _try_save(form, save):
        messages.success(
            request,
            _("The user was created and sent a link to set a password to %(email)s.")
            % {"email": created[0].email},
        )
        _warn_if_mail_not_sent(request)
        return redirect("user-detail", created[0].pk)
    return render(
        request, "organisation/setup/user_create.html", {"form": form, "forbund": forbund}
    )


@login_required
@GET_POST
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    person = get_object_or_404(accounts.administered_users(actor), pk=pk)
    scope = selectors.forbund_for_people(actor)
    action = request.POST.get("action")
    form = forms.RoleForm(request.POST if action == "assign" else None, actor=actor, forbund=scope)
    if request.method == "POST":
        done = _user_action(request, actor, person, action, form)
        if done is not None:
            messages.success(request, done)
            if action == "resend":
                _warn_if_mail_not_sent(request)
            return redirect("user-detail", person.pk)
    roles = accounts.visible_assignments(actor, person).select_related("insats__forbund")
    # The förbund (within the actor's reach) the user has roles in: the way back to their
    # "Users and roles" pages.
    in_scope = set(scope.values_list("pk", flat=True))
    forbunds: dict[int, Forbund] = {}
    for role in roles:
        f = role.forbund or (role.insats.forbund if role.insats else None)
        if f is not None and f.pk in in_scope:
            forbunds.setdefault(f.pk, f)
    return render(
        request,
        "organisation/setup/user_detail.html",
        {
            "person": person,
            "forbunds": sorted(forbunds.values(), key=lambda f: f.name),
            "roles": roles,
            "form": form,
            "may_deactivate": accounts.may_deactivate(actor, person),
            "awaits_password": person.is_active and not person.has_usable_password(),
            "history": person.history.select_related("history_user").order_by("-history_date")[  # type: ignore[attr-defined]
                :20
            ],
        },
    )


def _user_action(
    request: HttpRequest, actor: Any, person: User, action: str | None, form: forms.RoleForm
) -> str | None:
    """Do the posted action; the success message, or None (errors are on the form or
    in the messages)."""
    try:
        if action == "assign":
            if not form.is_valid():
                return None
            data = form.cleaned_data
            accounts.assign_role(
                actor=actor,
                user=person,
                role=data["role"],
                forbund=data["forbund"] if data["insats"] is None else None,
                insats=data["insats"],
            )
            return _("The role was given.")
        if action == "revoke":
            assignment = get_object_or_404(
                accounts.visible_assignments(actor, person), pk=posted_id(request)
            )
            accounts.revoke_role(actor=actor, assignment=assignment)
            return _("The role was taken away.")
        if action == "deactivate":
            accounts.deactivate_user(actor=actor, user=person)
            return _("The account was deactivated; its sessions have ended.")
        if action == "activate":
            accounts.activate_user(actor=actor, user=person)
            return _("The account was activated again.")
        if action == "resend":
            accounts.resend_set_password_link(actor=actor, user=person, base_url=_site(request))
            return _("A new link to set a password was sent.")
    except ValidationError as e:
        if action == "assign":
            show_errors(form, e)
        else:
            messages.error(request, " ".join(e.messages))
        return None
    return None
