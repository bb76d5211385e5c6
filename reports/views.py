"""Pages: the approval form PDF for the browser, and the verification page for printed copies."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workflows import services

from .api import pdf_response
from .documents import approval_form_context
from .forms import VerifyForm
from .selectors import document_verify

MESSAGES = {
    "ok": "校验通过",
    "mismatch": "校验失败",
    "not_found": "未找到该审批单,或该审批单不在您的数据范围内。",
}


@login_required
@require_GET
def document_pdf(request, pk):
    return pdf_response(services.process_get_or_404(user=request.user, pk=pk))


@login_required
@require_GET
def document_verify_page(request):
    form = VerifyForm(request.GET or None)
    result = document = None
    if form.is_valid():
        result = document_verify(user=request.user, **form.cleaned_data)
        if result.status == "ok":
            document = approval_form_context(result.process)
    return render(request, "reports/verify.html", {
        "form": form, "result": result,
        "message": MESSAGES.get(result.status) if result else "", "document": document,
    })
