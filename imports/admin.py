"""The CSV import pages in the admin: upload, a progress bar while a worker imports, the report."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .forms import ImportUploadForm
from .models import ImportJob, ImportMode
from .parsing import COLUMNS, REQUIRED, ImportFileError
from .services import start_import

ERRORS_SHOWN = 1000


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are started from the upload page (the admin's "add") and never edited."""

    list_display = [
        "file_name",
        "mode",
        "as_sign_ups",
        "status",
        "summary",
        "created_by",
        "created_at",
    ]
    list_filter = ["mode", "status"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("imports.add_importjob")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("imports.delete_importjob")  # the Admin role only

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", wrap(self.progress_view), name="imports_importjob_progress"),
            path(
                "<int:pk>/apply/",
                wrap(require_POST(self.apply_view)),
                name="imports_importjob_apply",
            ),
            *super().get_urls(),
        ]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        """Upload a file: it is checked as a whole at once, then imported by a worker."""
        if not self.has_add_permission(request):
            return self._refuse()
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job, created = start_import(
                    content=upload.read(),
                    file_name=upload.name,
                    mode=form.cleaned_data["mode"],
                    as_sign_ups=form.cleaned_data["as_sign_ups"],
                    user=request.user,
                )
            except ImportFileError as problem:
                form.add_error("file", str(problem))
            else:
                if not created:
                    self.message_user(
                        request,
                        f"This file was already uploaded with these options on "
                        f"{job.created_at:%Y-%m-%d %H:%M}: here is that job. Importing the same "
                        "file again would change nothing.",
                        messages.WARNING,
                    )
                return HttpResponseRedirect(self._job_url(job))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import accounts from CSV",
            "form": form,
            "columns": COLUMNS,
            "required": REQUIRED,
        }
        return TemplateResponse(request, "admin/imports/importjob/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        """The job's page: progress while it runs, then the report."""
        if not self.has_view_permission(request):
            return self._refuse()
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(job),
            "job": job,
            **self._report(job),
        }
        return TemplateResponse(request, "admin/imports/importjob/job.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The progress fragment the job page polls with htmx."""
        if not self.has_view_permission(request):
            return self._refuse()
        job = get_object_or_404(ImportJob, pk=pk)
        context = {"job": job, "opts": self.model._meta, **self._report(job)}
        return TemplateResponse(request, "admin/imports/importjob/_progress.html", context)

    def apply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """After a preview: import the same file with the same options."""
        if not self.has_add_permission(request):
            return self._refuse()
        preview = get_object_or_404(ImportJob, pk=pk, mode=ImportMode.PREVIEW)
        job, _ = start_import(
            content=preview.content.encode(),
            file_name=preview.file_name,
            mode=ImportMode.APPLY,
            as_sign_ups=preview.as_sign_ups,
            user=request.user,
        )
        return HttpResponseRedirect(self._job_url(job))

    def _report(self, job: ImportJob) -> dict:
        if not job.finished:
            return {"row_errors": []}
        return {"row_errors": job.row_errors.all()[:ERRORS_SHOWN], "errors_shown": ERRORS_SHOWN}

    def _job_url(self, job: ImportJob) -> str:
        return reverse("admin:imports_importjob_change", args=[job.pk])

    def _refuse(self) -> HttpResponse:
        raise PermissionDenied
