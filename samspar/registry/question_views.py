"""The förbund administrator's pages of an insats's own questions: the list with a form
for a new one, changing one on its version, and removing one nobody has answered. The
form parses, ``question_services`` writes, ``question_selectors`` reads; every other
user gets 404, as for an insats they cannot see.

The list says whether a question has answers (then its kind stays and it cannot be
removed), not how many: a number of answers is a count of participants, which the
report *Förbundets frågor* gives with small counts protected."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samspar.access.scoping import Action
from samspar.core import concurrency
from samspar.organisation.models import Insats
from samspar.registry import question_selectors, question_services
from samspar.registry.models import Answer, Question, QuestionMoment
from samspar.registry.question_forms import QuestionForm
from samspar.registry.views import AuthenticatedRequest


def _insats(request: AuthenticatedRequest, insats_id: int) -> Insats:
    return get_object_or_404(
        Insats.objects.restrict(request.user, Action.QUESTIONS).select_related("forbund"),
        pk=insats_id,
    )


def _question(request: AuthenticatedRequest, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.restrict(request.user, Action.QUESTIONS).select_related("insats__forbund"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request: AuthenticatedRequest, insats_id: int) -> HttpResponse:
    """The insats's questions, start questions first, and the form for a new one."""
    insats = _insats(request, insats_id)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.define_question(
                user=request.user, insats=insats, **form.service_kwargs()
            )
        except ValidationError as e:
            form.apply_service_error(e)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("question-list", insats_id=insats.pk)
    today = timezone.localdate()
    rows = list(
        question_selectors.of_insats(insats).annotate(
            answered=Exists(Answer.objects.filter(question=OuterRef("pk")))
        )
    )
    return render(
        request,
        "registry/question_list.html",
        {
            "insats": insats,
            "form": form,
            "start_rows": [q for q in rows if q.moment == QuestionMoment.START],
            "end_rows": [q for q in rows if q.moment == QuestionMoment.END],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    answered = question.answers.exists()
    conflict = False
    if request.method == "POST":
        form = QuestionForm(request.POST, current=question, answered=answered)
        if form.is_valid():
            try:
                question_services.update_question(
                    user=request.user,
                    question=question,
                    version=form.cleaned_data["version"],
                    **form.service_kwargs(),
                )
            except ValidationError as e:
                question.refresh_from_db()  # the service changed the copy it was given
                form.apply_service_error(e)
                if form.has_error(NON_FIELD_ERRORS, concurrency.STALE_CODE):
                    concurrency.rebase(form, question.version)
                    conflict = True
            else:
                messages.success(request, _("The changes are saved."))
                return redirect("question-list", insats_id=question.insats_id)
    else:
        form = QuestionForm(current=question, answered=answered)
    return render(
        request,
        "registry/question_form.html",
        {
            "insats": question.insats,
            "question": question,
            "form": form,
            "answered": answered,
            "conflict": conflict,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A confirmation page; the removal itself is its POST. A question with answers is
    not removed (the service refuses): the page says to give it an end date instead."""
    question = _question(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            question_services.delete_question(user=request.user, question=question)
        except ValidationError as e:
            errors = e.messages
        else:
            messages.success(request, _("The question is removed."))
            return redirect("question-list", insats_id=question.insats_id)
    return render(
        request,
        "registry/question_delete.html",
        {
            "insats": question.insats,
            "question": question,
            "answered": question.answers.exists(),
            "errors": errors,
            "today": timezone.localdate(),
        },
    )
