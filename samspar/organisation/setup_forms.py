"""Forms of the set-up pages: a new förbund, member parties, teams, users and roles.
They only parse; ``organisation.services`` and ``access.accounts`` validate and write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from samspar.access.accounts import grantable_roles
from samspar.access.models import ROLE_LABELS
from samspar.access.scoping import Role
from samspar.organisation.forms import OrganisationNumberField
from samspar.organisation.models import County, Forbund, Insats, Municipality, PartyKind
from samspar.organisation.selectors import municipalities_not_members

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet


class InsatsChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.forbund.name} – {obj.name}"


class MunicipalityChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


def role_choices(actor: AbstractBaseUser) -> list[tuple[str, Any]]:
    return [(role.value, ROLE_LABELS[role]) for role in grantable_roles(actor)]


class NewUserFields(forms.Form):
    """Username, names and e-mail of a new account."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; e.g. anna.andersson."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The link to set a password is sent here.")
    )


class ForbundCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    organisation_number = OrganisationNumberField(label=_("Organisation number"))
    with_fk = forms.BooleanField(label=_("Försäkringskassan"), required=False, initial=True)
    with_af = forms.BooleanField(label=_("Arbetsförmedlingen"), required=False, initial=True)
    with_region = forms.BooleanField(label=_("The county's region"), required=False, initial=True)
    municipalities = MunicipalityChoices(
        label=_("Member municipalities"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    existing_admin = forms.CharField(
        label=_("Existing user"),
        max_length=150,
        required=False,
        help_text=_("The username of an existing account; or leave empty and fill in a new user."),
    )
    admin_username = forms.CharField(label=_("Username"), max_length=150, required=False)
    admin_first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    admin_last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    admin_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The link to set a password is sent here."),
    )

    def __init__(self, *args: Any, county: County | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if county is not None:
            field = self.fields["municipalities"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = Municipality.objects.filter(county=county)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = data.get("existing_admin")
        if username:
            admin = User.objects.filter(username=username, is_active=True).first()
            if admin is None:
                self.add_error("existing_admin", _("No active user has this username."))
            data["admin"] = admin
        else:
            data["admin"] = None
            for name in ("admin_username", "admin_email"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Fill this in, or give an existing user."))
        return data


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("For a municipality: one of the county's."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the usual name (e.g. Avesta kommun, Region Dalarna)."),
    )

    def __init__(self, *args: Any, forbund: Forbund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities_not_members(forbund)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class RoleFields(forms.Form):
    """A role and its scope; the choices are what the actor may give."""

    role = forms.ChoiceField(label=_("Role"), choices=())
    forbund = forms.ModelChoiceField(
        label=_("Samordningsförbund"),
        queryset=Forbund.objects.none(),
        required=False,
        help_text=_("For a role in the whole förbund."),
    )
    insats = InsatsChoiceField(
        label=_("Insats"),
        queryset=Insats.objects.none(),
        required=False,
        help_text=_("For a participant registrar, or an insats manager of one insats."),
    )

    def __init__(
        self, *args: Any, actor: AbstractBaseUser, forbund: QuerySet[Forbund], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = role_choices(actor)
        scope = self.fields["forbund"]
        assert isinstance(scope, forms.ModelChoiceField)
        scope.queryset = forbund
        insats = self.fields["insats"]
        assert isinstance(insats, forms.ModelChoiceField)
        insats.queryset = Insats.objects.filter(forbund__in=forbund).select_related("forbund")


class RoleForm(RoleFields):
    """Give an existing user a role."""


class UserCreateForm(NewUserFields, RoleFields):
    """A new account with its first role in one förbund."""

    def __init__(
        self, *args: Any, actor: AbstractBaseUser, forbund: Forbund, **kwargs: Any
    ) -> None:
        super().__init__(
            *args, actor=actor, forbund=Forbund.objects.filter(pk=forbund.pk), **kwargs
        )
        self.fields.pop("forbund")
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [c for c in role_choices(actor) if c[0] != Role.SYSADMIN]
