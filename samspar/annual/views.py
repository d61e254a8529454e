"""The annual report pages: the preview with its in-place text editing, each chapter's
change history, and the PDF and Word downloads.

Every insats is fetched through the user's scope, so an insats out of scope is a 404;
seeing the report takes VIEW, writing the texts takes may_write (else 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samspar.access.scoping import Action
from samspar.annual import documents, selectors
from samspar.annual.chapters import BY_CODE, Chapter
from samspar.annual.compose import build_annual_report, year_scope
from samspar.annual.forms import ChapterTextForm
from samspar.annual.models import ChapterText
from samspar.annual.rendering import chapter_views, small_counts_note
from samspar.annual.services import may_write, save_chapter_text
from samspar.core import concurrency
from samspar.core.parsing import whole_number
from samspar.organisation.models import Insats


def _user(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def _insats(request: HttpRequest, pk: int) -> Insats:
    return get_object_or_404(
        Insats.objects.restrict(request.user, Action.VIEW).select_related("forbund", "team"),
        pk=pk,
    )


def _years(insats: Insats) -> range:
    """The years an insats has a report for: from its start to this year."""
    return range(insats.start_date.year, timezone.localdate().year + 1)


def _checked_year(insats: Insats, year: int) -> int:
    if year not in _years(insats):
        raise Http404
    return year


def _published(request: HttpRequest) -> bool:
    """``?published=1``: the report for publication, small counts hidden for anyone."""
    return request.GET.get("published") == "1"


def _chapter(code: str) -> Chapter:
    try:
        return BY_CODE[code]
    except KeyError:
        raise Http404 from None


@login_required
@require_GET
def annual_report_latest(request: HttpRequest, pk: int) -> HttpResponse:
    """The hub's link and the year selector land here: last year's report by default
    (the one a team writes at the start of a year), or the year asked for."""
    insats = _insats(request, pk)
    years = _years(insats)
    default = max(years[0], years[-1] - 1)
    asked = whole_number(request.GET.get("year"))
    year = asked if asked in years else default
    query = "?published=1" if _published(request) else ""
    return redirect(reverse("annual-report", args=[pk, year]) + query)


@login_required
@require_GET
def annual_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    insats = _insats(request, pk)
    year = _checked_year(insats, year)
    user = _user(request)
    published = _published(request)
    report = build_annual_report(user, insats, year, published=published)
    writer = may_write(user, insats)
    versions = selectors.version_counts(insats, year)
    chapters = [
        {
            "view": view,
            "versions": versions.get(view.code, 0),
            "form": _form(view.content.text, view.content.chapter) if writer else None,
        }
        for view in chapter_views(report)
    ]
    return render(
        request,
        "annual/report.html",
        {
            "insats": insats,
            "year": year,
            "years": list(reversed(_years(insats))),
            "report": report,
            "chapters": chapters,
            "may_write": writer,
            "published": published,
            # Whether a choice between exact and for publication is there to make.
            "may_see_exact": report.exact
            or (published and year_scope(user, insats, year).sees_exact_counts()),
            "small_counts_note": small_counts_note(report),
            "download_query": "?published=1" if published else "",
        },
    )


def _form(text: ChapterText | None, chapter: Chapter) -> ChapterTextForm:
    fields = ("description", "analysis", "reflection", "version")
    initial = {f: getattr(text, f) for f in fields} if text else {"version": 0}
    return ChapterTextForm(initial=initial, analysis=chapter.analysis, auto_id=_ids(chapter))


def _ids(chapter: Chapter) -> str:
    """Field ids of the chapter's own (every chapter's form is on one page), so that a
    label focuses its own field; the field names stay the same."""
    return f"id_{chapter.code}_%s"


@login_required
@require_http_methods(["GET", "POST"])
def chapter_edit(request: HttpRequest, pk: int, year: int, chapter: str) -> HttpResponse:
    """Save one chapter's texts. HTMX swaps the edit block and the texts in place; a
    plain POST returns to the chapter in the preview.

    A save based on an older version than the stored one (another tab, another writer)
    is refused: the form keeps the typed texts, now based on the stored version, and the
    page shows the stored texts."""
    insats = _insats(request, pk)
    year = _checked_year(insats, year)
    current = _chapter(chapter)
    code = current.code
    user = _user(request)
    if not may_write(user, insats):
        raise PermissionDenied
    text = ChapterText.objects.filter(insats=insats, year=year, chapter=code).first()
    form = (
        ChapterTextForm(request.POST, analysis=current.analysis, auto_id=_ids(current))
        if request.method == "POST"
        else _form(text, current)
    )
    saved = conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            text = save_chapter_text(
                user=user, insats=insats, year=year, chapter=code, **form.cleaned_data
            )
            saved = True
            form = _form(text, current)  # the next save from this page builds on this one
        except ValidationError as error:
            form.add_error(None, error.messages)
            if concurrency.is_stale(error):
                conflict = True
                text = ChapterText.objects.filter(insats=insats, year=year, chapter=code).first()
                concurrency.rebase(form, text.version if text else 0)
    if saved and not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("The texts were saved."))
        return redirect(reverse("annual-report", args=[pk, year]) + f"#chapter-{code}")
    context = {
        "insats": insats,
        "year": year,
        "chapter": BY_CODE[code],
        "text": text,
        "form": form,
        "saved": saved,
        "conflict": conflict,
        "versions": text.history.count() if text else 0,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "annual/_chapter_saved.html", context)
    return render(request, "annual/chapter_edit.html", context)


@login_required
@require_GET
def chapter_history(request: HttpRequest, pk: int, year: int, chapter: str) -> HttpResponse:
    insats = _insats(request, pk)
    year = _checked_year(insats, year)
    current = _chapter(chapter)
    return render(
        request,
        "annual/chapter_history.html",
        {
            "insats": insats,
            "year": year,
            "chapter": current,
            "versions": selectors.chapter_versions(insats, year, current.code),
        },
    )


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def annual_report_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    insats = _insats(request, pk)
    year = _checked_year(insats, year)
    report = build_annual_report(_user(request), insats, year, published=_published(request))
    return _attachment(
        documents.render_pdf(report),
        documents.PDF_CONTENT_TYPE,
        documents.filename(report, "pdf"),
    )


@login_required
@require_GET
def annual_report_docx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    insats = _insats(request, pk)
    year = _checked_year(insats, year)
    report = build_annual_report(_user(request), insats, year, published=_published(request))
    return _attachment(
        documents.render_docx(report),
        documents.DOCX_CONTENT_TYPE,
        documents.filename(report, "docx"),
    )
