"""Pages of the exchange: the same rights as the API (selectors decide who sees what)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal import approvals
from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.forms import AnswerForm
from cica_portal.pagination import INVALID_CURSOR, InvalidCursor, keyset_page
from cica_portal.roles import focal_point_required, network_member_required

from . import selectors, services, versions
from .forms import JudicialUseForm, ReshareForm, ShareForm, WithdrawForm
from .models import Share, ShareRead, ShareTemplate

COUNT_LIMIT = 200
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
        queryset = selectors.filter_status(queryset, status)
    if template:
        queryset = queryset.filter(template__slug=template)
    # Counted and read fresh on every request: what a person may see changes the moment a
    # share is released, withdrawn or edited, on every web process at once. Pages follow a
    # cursor (the last row shown), so a deep page costs what the first costs.
    try:
        page = keyset_page(selectors.rows_for_page(queryset), request.GET.get("cursor"))
    except InvalidCursor:
        return HttpResponseBadRequest(
            f"cursor: {INVALID_CURSOR}", content_type="text/plain; charset=utf-8"
        )
    context = {
        "page": page,
        # Counting every visible row grows with the data whatever the index (20 to 50 ms for
        # the 7,500 shares released to one state at 100,000 shares): the page counts up to
        # COUNT_LIMIT and then says "more than"; the walk stops there (section 9 of
        # docs/PERFORMANCE.md: finding 1,001 of them walked 18,000 index entries).
        "count": min(queryset[: COUNT_LIMIT + 1].count(), COUNT_LIMIT + 1),
        "count_limit": COUNT_LIMIT,
        "query": {k: v for k, v in request.GET.items() if k in ("box", "status", "template")},
        "shares": selectors.hide_distribution(
            request.user, selectors.attach_state_codes(page.object_list)
        ),
        "boxes": BOXES,
        "box": box,
        "statuses": Share.Status.choices,
        "status": status,
        "templates": selectors.current_templates(),
        "template_slug": template,
        "may_draft": selectors.may_draft(request.user),
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
    form = ShareForm(
        request.POST or None, template=template, originating_state_id=request.user.state_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share = services.create_share(
                author=request.user,
                template=template,
                title=data["title"],
                content=data["content"],
                concerned_states=list(data["concerned_states"]),
                recipient_states=list(data["recipient_states"]),
                secretariat_may_read=data["secretariat_may_read"],
                handling=data["handling"],
                distribution_confidential=data["distribution_confidential"],
            )
        except services.ShareContentError as error:
            form.add_content_errors(error.errors)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Draft saved. Submit it to ask for consent."))
            return redirect(share)
    _say_route_proposed(request, form)
    return render(request, "exchange/form.html", {"form": form, "template": template})


def _say_route_proposed(request, form: ShareForm) -> None:
    if form.route_proposed:
        messages.info(
            request,
            _("Proposed from the route: confirm the concerned states below. Not saved yet."),
        )


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
        request.POST or None,
        request.FILES or None,
        template=share.template,
        originating_state_id=share.originating_state_id,
        initial=ShareForm.initial_for(share),
        with_attachment=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_share(
                share, actor=request.user, attachment=data.get("attachment"), **_changes(data)
            )
        except services.ShareContentError as error:
            form.add_content_errors(error.errors)
        except DomainError as error:
            show_on_form(form, error)
        else:
            if share.status == Share.Status.PENDING_CONSENT:
                messages.warning(request, _("Saved. Every state is asked to consent again."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(share)
    _say_route_proposed(request, form)
    return render(
        request,
        "exchange/form.html",
        {
            "form": form,
            "template": share.template,
            "share": share,
            "attachments": share.attachments.all(),
        },
    )


def _changes(data: dict) -> dict:
    """The share form's answers as the services take them."""
    return {
        "title": data["title"],
        "content": data["content"],
        "concerned_states": list(data["concerned_states"]),
        "recipient_states": list(data["recipient_states"]),
        "secretariat_may_read": data["secretariat_may_read"],
        "distribution_confidential": data["distribution_confidential"],
        "handling": data["handling"],
    }


@network_member_required
@require_http_methods(["GET", "POST"])
def revise(request, pk: int):
    """The author revises a declined or expired share and asks for consent again."""
    share = selectors.get_share_for(request.user, pk)
    if share.author_id != request.user.pk:
        raise PermissionDenied
    if not selectors.may_revise(request.user, share):
        messages.error(request, _("Only a declined or expired share can be revised."))
        return redirect(share)
    form = ShareForm(
        request.POST or None,
        template=share.template,
        originating_state_id=share.originating_state_id,
        initial=ShareForm.initial_for(share),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit_share(share, actor=request.user, **_changes(form.cleaned_data))
        except services.ShareContentError as error:
            form.add_content_errors(error.errors)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("The new version is submitted: every state is asked to consent.")
            )
            return redirect(share)
    context = {"form": form, "template": share.template, "share": share, "revising": True}
    return render(request, "exchange/form.html", context)


@network_member_required
@require_http_methods(["GET", "POST"])
def delete(request, pk: int):
    """A focal point of the originating state deletes a draft, after a confirmation."""
    share = selectors.get_share_for(request.user, pk)
    if not selectors.is_originator(request.user, share) or not request.user.is_focal_point:
        raise PermissionDenied
    if not selectors.may_delete(request.user, share):
        context = {"share": share, "conflict": True}
        return render(request, "exchange/delete.html", context, status=409)
    if request.method == "POST":
        deleted = act(
            request,
            lambda: services.delete_draft(share, by=request.user),
            success=_("The draft is deleted."),
        )
        return redirect("exchange:index") if deleted else redirect(share)
    return render(request, "exchange/delete.html", {"share": share})


@network_member_required
@require_GET
def attachment(request, pk: int, attachment_pk: int):
    """A file of a share, to whoever may read the share (else 404), only ever as a download;
    each download is a read of the share."""
    share = selectors.get_share_for(request.user, pk)
    item = get_object_or_404(share.attachments.select_related("share"), pk=attachment_pk)
    data = services.download_attachment(item, user=request.user)
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@network_member_required
@require_GET
def detail(request, pk: int):
    """The share with its content (the read is logged), consents, and for its state the log."""
    share = selectors.get_share_for(request.user, pk)
    services.record_read(share, user=request.user, via=ShareRead.Via.PAGE)
    return _render_detail(request, share)


def _render_detail(
    request,
    share: Share,
    *,
    decision_form: AnswerForm | None = None,
    reshare_form: ReshareForm | None = None,
    judicial_form: JudicialUseForm | None = None,
    status: int = 200,
):
    """The share page; a refused answer comes back with its form bound, nothing lost."""
    originator = selectors.is_originator(request.user, share)
    may_decide = selectors.may_decide(request.user, share)
    party = selectors.is_consent_party(request.user, share)
    may_reshare = selectors.may_request_reshare(request.user, share)
    may_grant = selectors.may_grant_judicial_use(request.user, share)
    context = {
        "may_reshare": may_reshare,
        "reshare_form": reshare_form
        or (ReshareForm(share=share, state_id=request.user.state_id) if may_reshare else None),
        "reshare_requests": selectors.reshare_requests_for(request.user, share),
        "may_grant_judicial_use": may_grant,
        "judicial_form": judicial_form or (JudicialUseForm(share=share) if may_grant else None),
        "judicial_permissions": share.judicial_permissions.select_related("state")
        if share.status == Share.Status.RELEASED
        else [],
        "may_export": share.status == Share.Status.RELEASED and not share.is_red,
        "judicial_refusal": selectors.export_refusal(request.user, share, "judicial"),
        "share": share,
        "attachments": share.attachments.all(),
        "fields": [
            (spec, share.content.get(spec["name"]))
            for spec in share.template.fields
            if spec["name"] in share.content
        ],
        "consents": selectors.consents_of(share, with_details=party),
        "is_consent_party": party,
        "is_originator": originator,
        "reads": selectors.reads_of(share)[:200] if originator else None,
        "recipients_table": selectors.recipients_table(share) if originator else None,
        "transitions": share.transitions.select_related("actor") if originator else None,
        "may_edit": selectors.may_edit(request.user, share),
        "may_delete": selectors.may_delete(request.user, share),
        "may_revise": selectors.may_revise(request.user, share),
        "next_step": selectors.next_step(request.user, share),
        "distribution": selectors.distribution_for(request.user, share),
        "changes": versions.changes_for(share, request.user) if party else None,
        "may_submit": selectors.may_submit(request.user, share),
        "may_withdraw": selectors.may_withdraw(request.user, share),
        "may_decide": may_decide,
        "decision_form": decision_form
        or (AnswerForm(initial={"seen_hash": share.approval.content_hash}) if may_decide else None),
    }
    return render(request, "exchange/detail.html", context, status=status)


@network_member_required
@require_POST
def submit(request, pk: int):
    share = selectors.get_share_for(request.user, pk)
    if share.author_id != request.user.pk:
        raise PermissionDenied
    act(
        request,
        lambda: services.submit_share(share, actor=request.user),
        success=_("Consent is now asked of every state concerned."),
    )
    return redirect(share)


@network_member_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """A confirmation page: what withdrawing does, and the reason it asks; POST withdraws."""
    share = selectors.get_share_for(request.user, pk)
    if not selectors.is_originator(request.user, share):
        raise PermissionDenied
    if not selectors.may_withdraw(request.user, share):
        messages.error(request, _("This share cannot be withdrawn now."))
        return redirect(share)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            services.withdraw_share(share, actor=request.user, reason=reason)
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "The share is withdrawn; recipients can no longer read it. Each recipient "
                    "state is asked to confirm that its copies are removed."
                ),
            )
            return redirect(share)
    context = {"share": share, "form": form, "recipients": share.recipient_states.all()}
    return render(request, "exchange/withdraw.html", context, status=400 if form.errors else 200)


@network_member_required
@require_http_methods(["GET", "POST"])
def receipt(request, pk: int):
    """A recipient state's receipt for a withdrawn share: one click confirms copies removed."""
    receipt = selectors.get_receipt_for(request.user, pk)
    if request.method == "POST":
        done = services.acknowledge_withdrawal(receipt, by=request.user)
        if done:
            messages.success(request, _("Thank you: your state's receipt is recorded."))
        else:
            messages.info(request, _("Your state had already confirmed it; nothing changed."))
        return redirect("exchange:receipt", pk=receipt.pk)
    return render(request, "exchange/receipt.html", {"receipt": receipt, "share": receipt.share})


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
            show_on_form(form, error)
        else:
            messages.success(request, _("Your state's answer is recorded."))
            return redirect(share)
    return _render_detail(request, selectors.get_share_for(request.user, pk), decision_form=form)


@network_member_required
@require_POST
def reshare(request, pk: int):
    """A recipient state asks to pass the share on (H2); its providers decide."""
    share = selectors.get_share_for(request.user, pk)
    if not selectors.may_request_reshare(request.user, share):
        raise PermissionDenied
    form = ReshareForm(request.POST, share=share, state_id=request.user.state_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_reshare(
                share,
                by=request.user,
                states=list(data["states"]),
                authority=data["authority"],
                reason=data["reason"],
            )
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent to the originating and concerned states. You will be "
                    "told of their decision."
                ),
            )
            return redirect(share)
    return _render_detail(request, share, reshare_form=form, status=400)


@network_member_required
@require_POST
def judicial_use(request, pk: int):
    """The provider records permission for a recipient state's judicial use (H1)."""
    share = selectors.get_share_for(request.user, pk)
    if not selectors.may_grant_judicial_use(request.user, share):
        raise PermissionDenied
    form = JudicialUseForm(request.POST, share=share)
    if form.is_valid():
        services.grant_judicial_use(
            share, by=request.user, state=form.cleaned_data["state"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("The permission for judicial use is recorded."))
        return redirect(share)
    return _render_detail(request, share, judicial_form=form, status=400)


@network_member_required
@require_GET
def export(request, pk: int):
    """The share as a JSON document, for intelligence or judicial use, where handling allows."""
    share = selectors.get_share_for(request.user, pk)
    if share.status != Share.Status.RELEASED:
        raise PermissionDenied
    purpose = request.GET.get("purpose", "")
    try:
        document = services.export_share(share, user=request.user, purpose=purpose)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(share)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="share-{share.pk}-{purpose}.json"'
    return response
