"""Files attached to demands: what is accepted, who adds and removes them, and who can read them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import World
from servicehub.api.actions import do_issue_token
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions, attachments
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Attachment, Demand

from .test_pages import _lines

MakeDemand = Callable[..., Demand]


@pytest.fixture(autouse=True)
def _english() -> Any:
    # The actions' messages are read in English here; the pages are asked in French below.
    with translation.override("en"):
        yield


SPEC = b"%PDF-1.7\n" + bytes(range(256)) * 40


def _file(name: str = "Cahier des charges v2.pdf", content: bytes = SPEC) -> SimpleUploadedFile:
    # The browser's content type is ignored: the type comes from the name.
    return SimpleUploadedFile(name, content, content_type="text/html")


def _stored(attachment: Attachment) -> bytes:
    with storages["attachments"].open(attachment.file.name, "rb") as stream:
        return bytes(stream.read())


# --- the action -------------------------------------------------------------------------------------------


def test_a_file_is_stored_under_a_random_name_with_its_fingerprint(
    make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    attachment = actions.do_attach_file(demand, upload=_file(), actor=personas["client_a"])
    assert attachment.name == "Cahier_des_charges_v2.pdf"
    assert attachment.size == len(SPEC)
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(SPEC).hexdigest()
    assert attachment.file.name.startswith(f"demands/{demand.pk}/")
    assert "Cahier" not in attachment.file.name
    assert _stored(attachment) == SPEC
    entry = AuditLog.objects.get(event=AuditEvent.ATTACHMENT_ADDED)
    assert entry.after["sha256"] == attachment.sha256
    assert entry.actor == personas["client_a"]


def test_a_path_in_the_name_is_dropped(make_demand: MakeDemand) -> None:
    attachment = actions.do_attach_file(make_demand(), upload=_file("../../etc/notes.txt", b"x"), actor=None)
    assert attachment.name == "notes.txt"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("setup.exe", b"MZ", "“exe” are not accepted"),
        ("README", b"text", "“—” are not accepted"),
        ("empty.txt", b"", "empty"),
        ("huge.csv", b"0" * (attachments.MAX_BYTES + 1), "too large: the limit is 20"),
    ],
)
def test_a_refused_file_names_the_field_and_leaves_nothing(
    make_demand: MakeDemand, name: str, content: bytes, words: str
) -> None:
    demand = make_demand()
    with pytest.raises(ValidationError) as refused:
        actions.do_attach_file(demand, upload=_file(name, content), actor=None)
    assert words in " ".join(refused.value.message_dict["file"])
    assert not Attachment.objects.exists()
    assert not AuditLog.objects.filter(event=AuditEvent.ATTACHMENT_ADDED).exists()
    assert storages["attachments"].listdir("")[1] == [] if storages["attachments"].exists("") else True


def test_a_demand_holds_a_limited_number_of_files(make_demand: MakeDemand) -> None:
    demand = make_demand()
    for i in range(attachments.MAX_PER_DEMAND):
        actions.do_attach_file(demand, upload=_file(f"{i}.txt", b"x"), actor=None)
    with pytest.raises(ValidationError, match="at most 20 files"):
        actions.do_attach_file(demand, upload=_file("one-more.txt", b"x"), actor=None)
    assert demand.attachments.count() == attachments.MAX_PER_DEMAND


@pytest.mark.parametrize("key", ["resource_manager", "recruiter", "site_manager"])
def test_staff_who_do_not_work_the_demand_may_not_attach(
    make_demand: MakeDemand, personas: dict[str, User], key: str
) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        actions.do_attach_file(demand, upload=_file(), actor=personas[key])
    assert not Attachment.objects.exists()


def test_a_cancelled_demand_takes_no_more_files_and_keeps_its_own(
    make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    kept = actions.do_attach_file(demand, upload=_file(), actor=personas["client_a"])
    actions.do_cancel_demand(demand, actor=personas["client_a"], reason="Not needed")
    with pytest.raises(ValidationError, match="takes no more files"):
        actions.do_attach_file(demand, upload=_file("late.txt", b"x"), actor=personas["client_a"])
    with pytest.raises(ValidationError, match="keeps its files"):
        actions.do_remove_attachment(kept, actor=personas["client_a"])
    assert Attachment.objects.get() == kept


def test_the_uploader_or_a_lead_removes_a_file_and_it_leaves_the_storage(
    make_demand: MakeDemand,
    personas: dict[str, User],
    approver_a: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    demand = make_demand()
    mine = actions.do_attach_file(demand, upload=_file(), actor=personas["client_a"])
    theirs = actions.do_attach_file(demand, upload=_file("b.txt", b"b"), actor=approver_a)
    with pytest.raises(PermissionDenied):
        actions.do_remove_attachment(theirs, actor=personas["client_a"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remove_attachment(mine, actor=personas["client_a"])
        actions.do_remove_attachment(theirs, actor=personas["delivery_lead"])
    assert not Attachment.objects.exists()
    assert not storages["attachments"].exists(mine.file.name)
    assert not storages["attachments"].exists(theirs.file.name)
    removed = AuditLog.objects.filter(event=AuditEvent.ATTACHMENT_REMOVED).order_by("id")
    assert [entry.before["name"] for entry in removed] == ["Cahier_des_charges_v2.pdf", "b.txt"]


# --- the pages --------------------------------------------------------------------------------------------


def _detail(demand: Demand) -> str:
    return reverse("demands:demand-detail", args=[demand.pk])


def test_a_client_attaches_a_file_on_the_demand_page_and_downloads_it(
    client: Client, make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    client.force_login(personas["client_a"])
    page = client.get(_detail(demand)).content.decode()
    assert "Aucun fichier joint." in page
    assert 'enctype="multipart/form-data"' in page
    response = client.post(reverse("demands:attachment-add", args=[demand.pk]), {"file": _file()})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    download = reverse("demands:attachment-download", args=[demand.pk, attachment.pk])
    assert download in client.get(_detail(demand)).content.decode()
    got = client.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == SPEC
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert 'filename="Cahier_des_charges_v2.pdf"' in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"


def test_a_refused_upload_says_why_in_french(
    client: Client, make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    client.force_login(personas["client_a"])
    response = client.post(
        reverse("demands:attachment-add", args=[demand.pk]),
        {"file": _file("virus.exe", b"MZ")},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    assert "ne sont pas acceptés" in response.content.decode()
    assert not Attachment.objects.exists()


def test_removing_a_file_asks_first(
    client: Client, make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    attachment = actions.do_attach_file(demand, upload=_file(), actor=personas["client_a"])
    client.force_login(personas["client_a"])
    url = reverse("demands:attachment-remove", args=[demand.pk, attachment.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Retirer «\xa0Cahier_des_charges_v2.pdf\xa0»" in confirm.content.decode()
    assert Attachment.objects.exists()
    assert client.post(url).status_code == 302
    assert not Attachment.objects.exists()


def test_files_come_with_a_new_demand(client: Client, world: World, personas: dict[str, User]) -> None:
    client.force_login(personas["client_a"])
    response = client.post(
        reverse("demands:demand-create"),
        {
            "contract": world.contract_a.pk,
            "title": "With files",
            **_lines((world.work_unit_a, "simple", "1")),
            "attachments": [_file(), _file("maquette.png", b"\x89PNG")],
            "submit": "1",
        },
    )
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.state == DemandState.SUBMITTED
    assert sorted(demand.attachments.values_list("name", "content_type")) == [
        ("Cahier_des_charges_v2.pdf", "application/pdf"),
        ("maquette.png", "image/png"),
    ]


def test_a_bad_file_with_a_new_demand_saves_nothing(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    client.force_login(personas["client_a"])
    response = client.post(
        reverse("demands:demand-create"),
        {
            "contract": world.contract_a.pk,
            "title": "With a bad file",
            **_lines((world.work_unit_a, "simple", "1")),
            "attachments": [_file(), _file("run.bat", b"@echo")],
            "draft": "1",
        },
    )
    assert response.status_code == 400
    assert "run.bat" in " ".join(response.context["form"].errors["attachments"])
    assert not Demand.objects.exists() and not Attachment.objects.exists()


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_attaches_once_lists_and_downloads(
    client: Client, make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    _, token = do_issue_token(name="files", actor=personas["client_a"])
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/demands/{demand.pk}/attachments/"
    answers = [
        client.post(url, {"file": _file()}, headers={**auth, "Idempotency-Key": "upload-1"}) for _ in range(3)
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert len({answer.content for answer in answers}) == 1
    assert Attachment.objects.count() == 1
    # The same key with another file is another request: refused, not replayed.
    other = client.post(
        url, {"file": _file("other.txt", b"o")}, headers={**auth, "Idempotency-Key": "upload-1"}
    )
    assert other.status_code == 422
    body = answers[0].json()
    assert body["sha256"] == hashlib.sha256(SPEC).hexdigest()
    assert answers[0]["Location"] == body["url"]
    actions.do_attach_file(demand, upload=_file("notes.txt", b"short"), actor=None)
    listed = client.get(url, headers=auth).json()
    assert listed["count"] == 2
    assert [item["name"] for item in listed["items"]] == ["Cahier_des_charges_v2.pdf", "notes.txt"]
    by_size = client.get(url, {"sort": "size"}, headers=auth).json()
    assert [item["size"] for item in by_size["items"]] == [5, len(SPEC)]
    by_name = client.get(url, {"sort": "-name"}, headers=auth).json()
    assert [item["name"] for item in by_name["items"]] == ["notes.txt", "Cahier_des_charges_v2.pdf"]
    got = client.get(body["url"], headers=auth)
    assert b"".join(got.streaming_content) == SPEC
    refused = client.post(url, {"file": _file("a.exe", b"MZ")}, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "file"


def test_another_client_cannot_tell_a_file_exists(
    client: Client, make_demand: MakeDemand, personas: dict[str, User]
) -> None:
    demand = make_demand()
    attachment = actions.do_attach_file(demand, upload=_file(), actor=None)
    _, token = do_issue_token(name="b", actor=personas["client_b"])
    auth = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/demands/{demand.pk}/attachments/"
    assert client.get(f"{base}{attachment.pk}/", headers=auth).status_code == 404
    assert client.get(base, headers=auth).status_code == 404
    assert client.post(base, {"file": _file()}, headers=auth).status_code == 404
    client.force_login(personas["client_b"])
    for name in ("attachment-download", "attachment-remove"):
        assert client.get(reverse(f"demands:{name}", args=[demand.pk, attachment.pk])).status_code == 404
    assert Attachment.objects.count() == 1
