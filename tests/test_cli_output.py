"""Issue 13, item 9: a command told to write where it cannot says why — no such folder, a
folder, no permission — instead of a Python traceback (``core.output_files``), and a
file of personal data is readable by its owner only."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samspar.access.scoping import Role
from samspar.core.output_files import write_output
from samspar.economics import services
from tests.factories import make_forbund, make_user
from tests.test_economics_services import seed_groups, shipped, type_case


def test_a_missing_folder_and_a_folder_are_named_in_the_message(tmp_path):
    with pytest.raises(CommandError) as missing:
        write_output(tmp_path / "finns-inte" / "x.pdf", b"%PDF")
    assert str(missing.value) == (
        f"Det går inte att skriva {tmp_path}/finns-inte/x.pdf: mappen "
        f"{tmp_path}/finns-inte finns inte."
    )
    with pytest.raises(CommandError) as folder:
        write_output(tmp_path, b"%PDF")
    assert str(folder.value) == f"{tmp_path} är en mapp: ange ett filnamn."


def test_a_private_file_is_the_owners_only_even_if_it_existed(tmp_path):
    path = tmp_path / "utdrag.json"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_output(path, b"new", private=True)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    write_output(tmp_path / "open.csv", b"a;b")
    assert (tmp_path / "open.csv").read_bytes() == b"a;b"


@pytest.mark.django_db
def test_samspar_economics_show_to_a_missing_folder_is_a_message(tmp_path):
    forbund = make_forbund()
    admin = make_user("admin", Role.FORBUND_ADMIN, forbund=forbund)
    evaluation = services.save_evaluation(
        user=admin, evaluation=type_case(forbund, shipped()), groups=seed_groups()
    )
    target = tmp_path / "nonexistent" / "dir" / "x.pdf"
    with pytest.raises(CommandError, match="finns inte"):
        call_command("economics", "show", str(evaluation.pk), "--format", "pdf", "--output", target)
    with pytest.raises(CommandError, match="är en mapp"):
        call_command(
            "economics", "show", str(evaluation.pk), "--format", "pdf", "--output", tmp_path
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_samspar_template_to_a_missing_folder_is_a_message(tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("template", str(tmp_path / "saknas" / "mall.xlsx"), "--kind", "enrolments")
