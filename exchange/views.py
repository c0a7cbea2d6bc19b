"""Pages of the exchange: the same rights as the API (selectors decide who sees what)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal import approvals
from cica_portal.errors import DomainError
from cica_portal.forms import AnswerForm
from cica_portal.roles import focal_point_required, network_member_required

from . import selectors, services
from .api import check_document
from .forms import DocumentCheckForm, ShareForm
from .models import Share, ShareRead, ShareTemplate

BOXES = [
    ("", gettext_lazy("Everything I may see")),
    ("mine", gettext_lazy("From my state")),
    ("asked", gettext_lazy("Consent asked of my state")),
    ("received", gettext_lazy("Released to me")),
]


@network_member_required
@require_GET
def index(request):
    """Shares visible to me: my state's, those asked of my state, those released to me."""
    box = request.GET.get("box", "")
    status = request.GET.get("status", "")
    template = request.GET.get("template", "")
    queryset = selectors.shares_for_list(request.user, box=box)
    if status in Share.Status.values:
        queryset = queryset.filter(status=status)
    if template:
        queryset = queryset.filter(template__slug=template)
    # Counted and read fresh on every request: what a person may see changes the moment a
    # share is released, withdrawn or edited, on every web process at once.
    page = Paginator(selectors.rows_for_page(queryset), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "shares": selectors.attach_state_codes(list(page.object_list)),
        "boxes": BOXES,
        "box": box,
        "statuses": Share.Status.choices,
        "status": status,
        "templates": selectors.current_templates(),
        "template_slug": template,
    }
    return render(request, "exchange/index.html", context)


@focal_point_required
@require_GET
def choose_template(request):
    return render(
        request, "exchange/choose_template.html", {"templates": selectors.current_templates()}
    )


@focal_point_required
@require_http_methods(["GET", "POST"])
def create(request, slug: str):
    """Draft a share in the current version of a template; nothing leaves the state yet."""
    template = get_object_or_404(ShareTemplate, slug=slug, is_current=True)
    form = ShareForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share = services.create_share(
                author=request.user,
                template=template,
                title=data["title"],
                content=data["content"],
                concerned_states=list(data["concerned_states"]) or None,
                recipient_states=list(data["recipient_states"]),
                secretariat_may_read=data["secretariat_may_read"],
                handling=data["handling"],
            )
        except services.ShareContentError as error:
            form.add_content_errors(error.errors)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Draft saved. Submit it to ask for consent."))
            return redirect(share)
    return render(request, "exchange/form.html", {"form": form, "template": template})


@network_member_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """The author edits a draft or a pending share; a change asks every state again."""
    share = selectors.get_share_for(request.user, pk)
    if share.author_id != request.user.pk:
        raise PermissionDenied
    if not share.is_editable:
        messages.error(request, _("This share can no longer be edited."))
        return redirect(share)
    form = ShareForm(
        request.POST or None, template=share.template, initial=ShareForm.initial_for(share)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_share(
                share,
                actor=request.user,
                title=data["title"],
                content=data["content"],
                concerned_states=list(data["concerned_states"]),
                recipient_states=list(data["recipient_states"]),
                secretariat_may_read=data["secretariat_may_read"],
                handling=data["handling"],
            )
        except services.ShareContentError as error:
            form.add_content_errors(error.errors)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if share.status == Share.Status.PENDING_CONSENT:
                messages.warning(request, _("Saved. Every state is asked to consent again."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(share)
    return render(
        request, "exchange/form.html", {"form": form, "template": share.template, "share": share}
    )


@network_member_required
@require_GET
def detail(request, pk: int):
    """The share with its content (the read is logged), consents, and for its state the log."""
    share = selectors.get_share_for(request.user, pk)
    services.record_read(share, user=request.user, via=ShareRead.Via.PAGE)
    return _render_detail(request, share)


def _render_detail(request, share: Share, *, decision_form: AnswerForm | None = None):
    """The share page; a refused answer comes back with its form bound, nothing lost."""
    originator = selectors.is_originator(request.user, share)
    may_decide = selectors.may_decide(request.user, share)
    party = selectors.is_consent_party(request.user, share)
    context = {
        "share": share,
        "fields": [
            (spec, share.content.get(spec["name"]))
            for spec in share.template.fields
            if spec["name"] in share.content
        ],
        "consents": selectors.consents_of(share, with_details=party),
        "is_consent_party": party,
        "is_originator": originator,
        "reads": selectors.reads_of(share)[:200] if originator else None,
        "transitions": share.transitions.select_related("actor") if originator else None,
        "may_edit": selectors.may_edit(request.user, share),
        "may_submit": share.author_id == request.user.pk and share.status == Share.Status.DRAFT,
        "may_withdraw": selectors.may_withdraw(request.user, share),
        "may_decide": may_decide,
        "decision_form": decision_form
        or (AnswerForm(initial={"seen_hash": share.approval.content_hash}) if may_decide else None),
    }
    return render(request, "exchange/detail.html", context)


def _act(request, share: Share, action) -> bool:
    try:
        action()
    except DomainError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        messages.error(request, error.message)
        return False
    return True


@network_member_required
@require_POST
def submit(request, pk: int):
    share = selectors.get_share_for(request.user, pk)
    if share.author_id != request.user.pk:
        raise PermissionDenied
    if _act(request, share, lambda: services.submit_share(share, actor=request.user)):
        messages.success(request, _("Consent is now asked of every state concerned."))
    return redirect(share)


@network_member_required
@require_POST
def withdraw(request, pk: int):
    share = selectors.get_share_for(request.user, pk)
    if not selectors.is_originator(request.user, share):
        raise PermissionDenied
    if _act(request, share, lambda: services.withdraw_share(share, actor=request.user)):
        messages.success(request, _("The share is withdrawn; recipients can no longer read it."))
    return redirect(share)


@network_member_required
@require_POST
def decide(request, pk: int):
    """The share page's answer form: the core's form and the core's one answering service."""
    share = selectors.get_share_for(request.user, pk)
    if not request.user.is_approver:
        raise PermissionDenied
    if not selectors.may_decide(request.user, share):
        messages.error(request, _("This share is no longer waiting for your state's consent."))
        return redirect(share)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            approvals.answer_request(
                share.approval,
                approver=request.user,
                decision=data["decision"],
                comment=data["comment"],
                seen_hash=data["seen_hash"],
            )
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your state's answer is recorded."))
            return redirect(share)
    return _render_detail(request, selectors.get_share_for(request.user, pk), decision_form=form)


@network_member_required
@require_GET
def check(request):
    """Check a document number against the released lost/stolen notices I may see."""
    form = DocumentCheckForm(request.GET or None)
    hits = None
    if form.is_valid():
        hits = check_document(request.user, form.cleaned_data["number"], via=ShareRead.Via.CHECK)
    return render(request, "exchange/check.html", {"form": form, "hits": hits})
