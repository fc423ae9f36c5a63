"""Everything the server holds comes back after a restart: every GET answers the same bytes."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest

from pytest_notify.persist.codec import encode
from tests.persistence.world import Server, answers, build, dump


@pytest.fixture
def kept(tmp_path: Path) -> tuple[Server, dict[str, tuple[int, str, bytes]], object]:
    server = Server.start(tmp_path)
    world = build(server)
    before = answers(server, world)
    return server, before, world


def test_every_answer_is_the_same_after_a_restart(tmp_path: Path, kept: tuple[Server, dict, object]) -> None:
    server, before, world = kept
    server.stop()
    again = Server.start(tmp_path)
    try:
        assert again.data.restored
        after = answers(again, world)  # type: ignore[arg-type]
        assert after.keys() == before.keys()
        different = {k for k in before if before[k] != after[k]}
        assert not different, (
            dump({k: before[k] for k in different}) + "\n---\n" + dump({k: after[k] for k in different})
        )
    finally:
        again.stop()


def test_answers_cover_what_was_made(kept: tuple[Server, dict, object]) -> None:
    server, before, _ = kept
    server.stop()
    statuses = {k.split()[0]: s for k, (s, _, _) in before.items()}
    assert statuses["get"] == 200 and statuses["document"] == 200 and statuses["removed"] == 404
    pdfs = [k for k, (s, _, _) in before.items() if k.startswith("pdf") and s == 200]
    assert len(pdfs) == 2  # the templated letter and the precompiled one
    callbacks = [body for k, (_, _, body) in before.items() if k.endswith("/callbacks")]
    assert any(b'"delivery_status"' in body for body in callbacks) and any(
        b'"inbound_sms"' in body for body in callbacks
    )


def test_every_field_of_every_object_comes_back(tmp_path: Path, kept: tuple[Server, dict, object]) -> None:
    server, _, _ = kept
    server.stop()
    again = Server.start(tmp_path)
    try:
        queued = 0
        for original in server.store.services():
            with server.store.tenants_locked(original.id) as (old,), again.store.tenants_locked(original.id) as (new,):
                assert encode(new.service) == encode(old.service)
                assert new.service.letter_contacts == old.service.letter_contacts
                assert [encode(n) for n in new.notifications] == [encode(n) for n in old.notifications]
                assert list(new.by_id) == list(old.by_id)
                assert new.inbound == old.inbound
                assert new.documents == old.documents
                assert new.limits.counts == old.limits.counts
                assert new.timings == old.timings and new.outcomes == old.outcomes
                assert new.clock.now() == old.clock.now()
                assert new.callbacks.attempts == old.callbacks.attempts
                jobs = [dataclasses.replace(job, claimed=False) for job in old.callbacks.jobs]
                assert new.callbacks.jobs == jobs
                queued += len(jobs)
        assert queued  # retries of the refused callbacks are waiting        assert len(again.store.services()) == 2
        assert [s.id for s in again.store.services()] == [s.id for s in server.store.services()]
    finally:
        again.stop()


def test_later_sends_come_after_the_restored_ones(tmp_path: Path, kept: tuple[Server, dict, object]) -> None:
    server, _, world = kept
    server.stop()
    again = Server.start(tmp_path)
    try:
        sid, made = next(iter(world.services.items()))  # type: ignore[attr-defined]
        before = again.store.notifications(uuid.UUID(sid))
        template = made["templates"][0]
        response = again.control.v2(
            "POST",
            "/v2/notifications/sms",
            made["keys"]["live"],
            {"phone_number": "07700 900 123", "template_id": template, "personalisation": {"name": "A", "code": "1"}},
        )
        assert response.status_code == 201
        after = again.store.notifications(uuid.UUID(sid))
        assert after[:-1] == before and after[-1].seq > max(n.seq for n in before)
    finally:
        again.stop()
