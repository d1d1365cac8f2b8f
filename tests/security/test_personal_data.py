"""Phones and e-mail addresses are encrypted at rest (SM4) and read back in clear; readers
who may not see a contact in full see it masked (138****0001)."""

from django.db import connection
from django.urls import reverse

from keyworks.core.crypto import decrypt, encrypt, mask_phone
from keyworks.ledger.models import TaskForceMember
from keyworks.orgs.models import User


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_contacts_are_encrypted_at_rest_and_read_in_clear(world):
    world.member.email = "chen@example.gov.cn"
    world.member.save()
    raw_phone = stored("orgs_user", "phone", world.member.pk)
    raw_email = stored("orgs_user", "email", world.member.pk)
    assert raw_phone.startswith("sm4:") and "13800000001" not in raw_phone
    assert raw_email.startswith("sm4:") and "example" not in raw_email
    member = User.objects.get(pk=world.member.pk)
    assert (member.phone, member.email) == ("13800000001", "chen@example.gov.cn")
    task_force_member = TaskForceMember.objects.get(user=world.member)
    assert stored("ledger_taskforcemember", "phone", task_force_member.pk).startswith("sm4:")
    assert task_force_member.phone == "13800000001"


def test_the_same_value_encrypts_differently_each_time():
    assert encrypt("13800000001") != encrypt("13800000001")
    assert decrypt(encrypt("13800000001")) == "13800000001"
    assert decrypt("13800000001") == "13800000001"  # a row from before encryption


def test_a_phone_is_masked_for_readers_who_may_not_see_it(world):
    assert mask_phone("13800000001") == "138****0001"
    page = world.client(world.leader).get(reverse("ledger:project_detail", args=[world.own.pk]))
    body = page.content.decode()
    assert "138****0001" in body and "13800000001" not in body
    own = world.client(world.member).get(reverse("ledger:project_detail", args=[world.own.pk]))
    assert "13800000001" in own.content.decode()
