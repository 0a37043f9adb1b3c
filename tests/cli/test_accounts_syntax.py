"""The ``accounts`` setting's flag / variable syntax: role ARNs and profile names holding commas,
and one clear line for any item that is not an account."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui.config.rules import UsageError, check_accounts, split_accounts

B, C = "222233334444", "333344445555"
ROLE = f"arn:aws:iam::{B}:role/team,read@ops"  # IAM role names may hold "+=,.@_-"


def test_a_comma_inside_a_role_arn_stays_in_it():
    assert check_accounts(f"{B}={ROLE},{C},linked", "--accounts") == (
        "linked", {"id": B, "role_arn": ROLE}, {"id": C})
    assert check_accounts(f"linked , {C}, {B}={ROLE}", "SAGEMON_ACCOUNTS") == (
        "linked", {"id": C}, {"id": B, "role_arn": ROLE})


def test_semicolons_separate_items_whose_names_hold_a_comma_then_an_account_id():
    odd = f"arn:aws:iam::{B}:role/x,{C}"  # read with commas, ",333344445555" would start an item
    assert split_accounts(f"{B}={odd},linked") == [f"{B}=arn:aws:iam::{B}:role/x", C, "linked"]
    assert check_accounts(f"{B}={odd}; linked", "--accounts") == ("linked", {"id": B, "role_arn": odd})


@pytest.mark.parametrize("bad, said", [
    ("12345", "'12345' is not an account"),
    (f"{B}=", f"'{B}=' is not an account"),
    (f"{B},oops", f"'{B},oops' is not an account"),
    ("prod=arn:aws:iam::222233334444:role/x", "'prod=arn"),
    (f"{C},{B}=arn:aws:iam::{B}:role/a b", "not a role ARN"),
])
def test_a_bad_item_is_one_line_naming_it_and_the_syntax(bad, said):
    with pytest.raises(UsageError) as err:
        check_accounts(bad, "--accounts")
    text = str(err.value)
    assert said in text and text.startswith("--accounts.") and "\n" not in text
    if "is not an account" in said:
        assert "ID=ROLE_ARN" in text and "12 digits" in text


def test_the_flag_s_error_is_one_line_on_stderr():
    role = f"arn:aws:iam::{B}:role/a,b"
    ok = subprocess.run([sys.executable, "-m", "tui.cli", "config", "--accounts", f"{B}={role}"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and role in ok.stdout, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "tui.cli", "config", "--accounts", "1234,linked"],
                         capture_output=True, text=True, timeout=60)
    lines = bad.stderr.strip().splitlines()
    assert bad.returncode != 0 and len(lines) == 1 and "'1234' is not an account" in lines[0], bad.stderr
