"""The admin site: users and role assignments with their change history, and the security
log (read only). Every change made here is recorded with who made it (simple-history);
password changes and two-factor resets are also in the security log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from samspar.access.models import RoleAssignment
from samspar.access.security_log import SecurityEvent


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "forbund", "insats"]
    list_filter = ["role", "forbund"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "forbund", "insats"]


admin.site.unregister(User)


@admin.register(User)
class UserWithHistoryAdmin(SimpleHistoryAdmin, UserAdmin):  # type: ignore[type-arg]
    """Django's user admin, with the change history of each user."""


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "kind", "username", "actor", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
