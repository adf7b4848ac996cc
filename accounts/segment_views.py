"""Staff pages for segments: the list with live counts, save from the account list, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .filters import saved_filters_of, visible_segments
from .forms import SegmentForm
from .selectors import segments_with_counts
from .services import delete_segment, save_segment


def _page(request: HttpRequest, form: SegmentForm | None = None, status: int = 200) -> HttpResponse:
    segments = visible_segments(request.user).select_related("owner")
    context = {
        "segments": segments_with_counts(segments),
        "form": form,
        "can_enroll": request.user.has_perm("workflows.change_run"),
    }
    return render(request, "accounts/segment_list.html", context, status=status)


@login_required
@permission_required("accounts.view_segment", raise_exception=True)
def segment_list(request: HttpRequest) -> HttpResponse:
    """Every segment this person may use, with its live count (or why it no longer applies)."""
    return _page(request)


@login_required
@permission_required("accounts.add_segment", raise_exception=True)
@require_POST
def segment_save(request: HttpRequest) -> HttpResponse:
    """Save the account list's current filters under a name; back to the list, narrowed to it."""
    form = SegmentForm(request.POST)
    if form.is_valid():
        filters = saved_filters_of(QueryDict(form.cleaned_data["query"]))
        try:
            segment = save_segment(
                name=form.cleaned_data["name"],
                filters=filters,
                owner=request.user,
                is_shared=form.cleaned_data["is_shared"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
    if not form.is_valid():
        return _page(request, form, status=400)
    messages.success(request, f"Segment “{segment.name}” saved.")
    return redirect(f"{reverse('accounts:list')}?segment={segment.pk}")


@login_required
@permission_required("accounts.view_segment", raise_exception=True)
@require_POST
def segment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Its owner deletes a segment; a manager (change_segment) may delete a shared one too."""
    segment = get_object_or_404(visible_segments(request.user), pk=pk)
    if segment.owner_id != request.user.pk and not request.user.has_perm("accounts.delete_segment"):
        raise PermissionDenied("Only its owner or a manager deletes a segment.")
    delete_segment(segment=segment)
    messages.success(request, f"Segment “{segment.name}” deleted.")
    return redirect("accounts:segments")
