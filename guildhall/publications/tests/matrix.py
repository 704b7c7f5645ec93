"""Isolation-matrix cases for every page and API operation of channels and publications."""

from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.publications.models import ChannelStatus, Status
from guildhall.publications.tests.factories import cached, make_channel, make_publication
from guildhall.testing import MatrixCase, matrix_case

MANAGERS = {"principal", "admin"}
WRITERS = {"editor", "principal"}
SEE = {"own": {"association": ALL_ASSOCIATION}, "above": {"association": ALL_SUPERVISOR}}


def _org(cast, org):
    return {"org_id": org.pk}


def _channel(status=ChannelStatus.ACTIVE):
    def build(cast, org):
        channel = cached(cast, org, f"channel-{status}", lambda: make_channel(cast, org,
                                                                           status=status))
        return {"org_id": org.pk, "channel_id": channel.pk}
    return build


def _publication(status=Status.DRAFT, **extra):
    def build(cast, org):
        kind = f"publication-{status}-{'-'.join(sorted(extra))}"
        p = cached(cast, org, kind, lambda: make_publication(cast, org, status, **extra))
        return {"org_id": org.pk, "publication_id": p.pk}
    return build


def _finding(cast, org):
    kwargs = _publication(Status.IN_REVIEW, finding=True)(cast, org)
    from guildhall.records.models import Finding

    kwargs["finding_id"] = Finding.objects.get(publications_publication__id=kwargs["publication_id"]).pk
    return kwargs


def _attachment(cast, org):
    kwargs = _publication(Status.DRAFT, attachment=True)(cast, org)
    from guildhall.records.models import Attachment

    kwargs["attachment_id"] = Attachment.objects.get(
        publications_publication__id=kwargs["publication_id"]).pk
    return kwargs


def _api(build):
    def api_build(cast, org):
        return {k: v for k, v in build(cast, org).items() if k != "org_id"}
    return api_build


def _review_data(cast, org):
    return {"verdict": "pass", "comment": "同意。", "revision": 1}


def _published_data(cast, org):
    from guildhall.publications.models import Publication

    p = Publication.objects.filter(organization=org, status=Status.APPROVED).latest("pk")
    return {"channel": p.channels.get().pk, "url": "https://example.cn/p/1",
            "published_at": "2026-03-02 10:00"}


def _reason(cast, org):
    return {"reason": "测试原因"}


ASSOCIATIONS = ("soft", "logi", "chem")
PLANNED = "2030-03-02 10:00"


def _active_channel(cast, org):
    from guildhall.publications.models import Channel

    return Channel.objects.get(pk=_channel()(cast, org)["channel_id"])


def _channel_form(cast, org):
    return {"type": "weibo", "name": "矩阵微博", "account": "matrix", "step_1": "principal"}


def _publication_form(cast, org):
    return {"title": "矩阵文章", "body": "矩阵正文。", "planned_at": PLANNED,
            "channels": [_active_channel(cast, org).pk]}


def _publication_edit_form(cast, org):
    from guildhall.publications.models import Publication

    p = Publication.objects.get(pk=_publication()(cast, org)["publication_id"])
    return {"title": "矩阵改过的标题", "body": "改过的正文。", "planned_at": PLANNED,
            "channels": list(p.channels.values_list("pk", flat=True)), "revision": p.revision}


def _settings_form(cast, org):
    return {"terms": "矩阵术语", "review_days": "3"}


def _channel_body(cast, org):
    """A valid API create body; the organization is in the body."""
    return {"organization": org.pk, "type": "weibo", "name": "矩阵微博",
            "review_roles": ["principal"]}


def _publication_body(cast, org):
    return {"organization": org.pk, "title": "矩阵文章", "body": "矩阵正文。",
            "channels": [_active_channel(cast, org).pk], "planned_at": "2030-03-02T10:00:00"}


def _no_kwargs(cast, org):
    return {}


# ---- pages ----
matrix_case(MatrixCase("publications:channel_list", build=_org, **SEE))
matrix_case(MatrixCase("publications:channel_new", build=_org, own={"association": MANAGERS}))
matrix_case(MatrixCase("publications:channel_detail", build=_channel(), **SEE))
matrix_case(MatrixCase("publications:channel_edit", build=_channel(), own={"association": MANAGERS}))
matrix_case(MatrixCase("publications:channel_new", method="POST", build=_org, data=_channel_form,
                       own={"association": MANAGERS}, ok_statuses=(302,)))
matrix_case(MatrixCase("publications:channel_edit", method="POST", build=_channel(), data=_channel_form,
                       own={"association": MANAGERS}, ok_statuses=(302,)))
matrix_case(MatrixCase("publications:channel_pause", method="POST", build=_channel(), data=_reason,
                       own={"association": MANAGERS}))
matrix_case(MatrixCase("publications:channel_resume", method="POST", build=_channel(ChannelStatus.PAUSED),
                       data=_reason, own={"association": MANAGERS}))
matrix_case(MatrixCase("publications:publication_list", build=_org, **SEE))
matrix_case(MatrixCase("publications:publication_waiting", build=_org, own={
    "association": {"principal", "admin", "editor", "reviewer"}, "supervisor": {"approver"}}))
matrix_case(MatrixCase("publications:publication_new", build=_org, own={"association": WRITERS}))
matrix_case(MatrixCase("publications:publication_settings", build=_org, own={"association": {"admin"}}))
matrix_case(MatrixCase("publications:publication_new", method="POST", build=_org, data=_publication_form,
                       own={"association": WRITERS}, targets=ASSOCIATIONS, ok_statuses=(302,)))
matrix_case(MatrixCase("publications:publication_settings", method="POST", build=_org, data=_settings_form,
                       own={"association": {"admin"}}, ok_statuses=(302,)))
matrix_case(MatrixCase("publications:publication_detail", build=_publication(), **SEE))
matrix_case(MatrixCase("publications:publication_diff", build=_publication(), **SEE))
matrix_case(MatrixCase("publications:publication_edit", build=_publication(), own={"association": WRITERS}))
matrix_case(MatrixCase("publications:publication_edit", method="POST", build=_publication(),
                       data=_publication_edit_form, own={"association": WRITERS},
                       ok_statuses=(302,)))
matrix_case(MatrixCase("publications:publication_submit", method="POST", build=_publication(),
                       own={"association": WRITERS}))
matrix_case(MatrixCase("publications:publication_review", method="POST", build=_publication(Status.IN_REVIEW),
                       data=_review_data, own={"association": {"reviewer"}}))
matrix_case(MatrixCase("publications:finding_acknowledge", method="POST", build=_finding,
                       data=_reason, own={"association": {"reviewer", "principal"}}))
matrix_case(MatrixCase("publications:publication_published", method="POST",
                       build=_publication(Status.APPROVED), data=_published_data,
                       own={"association": WRITERS}))
matrix_case(MatrixCase("publications:publication_withdraw", method="POST", build=_publication(Status.PUBLISHED),
                       data=_reason, own={"association": WRITERS}))
# Without a file the form is refused (400) for those allowed to attach.
matrix_case(MatrixCase("publications:attachment_upload", method="POST", build=_publication(),
                       own={"association": WRITERS}, ok_statuses=(302, 400)))
matrix_case(MatrixCase("publications:attachment_download", build=_attachment, **SEE))
matrix_case(MatrixCase("publications:attachment_remove", method="POST", build=_attachment,
                       own={"association": WRITERS}))

# ---- API ----
matrix_case(MatrixCase("api:channel_list", everyone=True, api=True))
# Creating: the organization is in the body; one the persona cannot see answers 404, one
# it sees without the role 403.
matrix_case(MatrixCase("api:channel_list", method="POST", json=True, api=True, build=_no_kwargs,
                       data=_channel_body, own={"association": MANAGERS}, ok_statuses=(201,)))
matrix_case(MatrixCase("api:channel_detail", api=True, build=_api(_channel()), **SEE))
matrix_case(MatrixCase("api:channel_detail", api=True, method="PATCH", json=True,
                       build=_api(_channel()), data=lambda c, o: {"name": "矩阵改过的名称"},
                       own={"association": MANAGERS}))
matrix_case(MatrixCase("api:channel_pause", api=True, method="POST", build=_api(_channel()),
                       data=_reason, own={"association": MANAGERS}))
matrix_case(MatrixCase("api:channel_resume", api=True, method="POST",
                       build=_api(_channel(ChannelStatus.PAUSED)), data=_reason,
                       own={"association": MANAGERS}))
matrix_case(MatrixCase("api:publication_list", everyone=True, api=True))
matrix_case(MatrixCase("api:publication_waiting", everyone=True, api=True))
matrix_case(MatrixCase("api:publication_list", method="POST", json=True, api=True,
                       build=_no_kwargs, data=_publication_body, own={"association": WRITERS},
                       targets=ASSOCIATIONS, ok_statuses=(201,)))
matrix_case(MatrixCase("api:publication_detail", api=True, build=_api(_publication()), **SEE))
matrix_case(MatrixCase("api:publication_detail", api=True, method="PATCH", json=True,
                       build=_api(_publication()), data=lambda c, o: {"title": "矩阵改过的标题"},
                       own={"association": WRITERS}))
matrix_case(MatrixCase("api:publication_submit", api=True, method="POST",
                       build=_api(_publication()), own={"association": WRITERS}))
matrix_case(MatrixCase("api:publication_review", api=True, method="POST",
                       build=_api(_publication(Status.IN_REVIEW)), data=_review_data,
                       own={"association": {"reviewer"}}))
matrix_case(MatrixCase("api:publication_finding_acknowledge", api=True, method="POST",
                       build=_api(_finding), data=_reason,
                       own={"association": {"reviewer", "principal"}}))
matrix_case(MatrixCase("api:publication_published", api=True, method="POST",
                       build=_api(_publication(Status.APPROVED)), data=_published_data,
                       own={"association": WRITERS}))
matrix_case(MatrixCase("api:publication_withdraw", api=True, method="POST",
                       build=_api(_publication(Status.PUBLISHED)), data=_reason,
                       own={"association": WRITERS}))
