"""``plan --books`` with malformed snapshot files: each is one line naming the file, exit 2,
never a traceback, a hang, or a number read from something that is not one."""

from __future__ import annotations

import json

import pytest

from sor_desktop.cli import book_files
from sor_desktop.cli.main import main
from tests.cli.test_plan_cmd import snap


def _refused(capsys, path, needle: str) -> None:
    assert main(["plan", "--books", str(path), "--side", "buy", "--amount", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "unexpected error" not in err and "Traceback" not in err, err
    assert str(path) in err and needle in err, err


def _with(**change) -> dict:
    s = snap("x", [[100.0, 1.0]], [[99.0, 1.0]])
    for key, value in change.items():
        if key in ("taker", "maker", "precision", "limits"):
            s["market"][key] = value
        else:
            s[key] = value
    return s


@pytest.mark.parametrize("change, needle", [
    ({"bids": [{"p": 1}]}, "[price, amount]"),
    ({"bids": [[99.0]]}, "[price, amount]"),
    ({"asks": {"100": 1}}, "asks must be a list"),
    ({"asks": [[True, True]]}, "[price, amount]"),  # not price 1, amount 1
    ({"bids": [[99.0, False]]}, "[price, amount]"),
    ({"precision": "x"}, "market precision must be an object"),
    ({"limits": [1]}, "market limits must be an object"),
    ({"limits": {"amount": 5}}, "market limits.amount must be an object"),
    ({"taker": -0.5}, "market taker must be a number between -0.01 and 0.1"),
    ({"maker": 0.5}, "market maker must be a number between -0.01 and 0.1"),
    ({"taker": True}, "market taker must be a number"),
    ({"taker": "0.0005"}, "market taker must be a number"),
])
def test_malformed_snapshots_are_one_line_naming_the_file(tmp_path, capsys, change, needle):
    f = tmp_path / "b.json"
    f.write_text(json.dumps(_with(**change)))
    _refused(capsys, f, needle)


def test_a_market_fee_in_range_is_still_used(tmp_path, capsys):
    f = tmp_path / "b.json"
    f.write_text(json.dumps(_with(taker=-0.0001, maker=-0.0002)))  # a rebate
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fees"] == pytest.approx(-0.0001 * 100.0)


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a": ' * 100_000])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, capsys, text):
    f = tmp_path / "deep.json"
    f.write_text(text)
    _refused(capsys, f, "nested too deeply")


def test_a_deeply_nested_json_lines_record_is_named_by_line(tmp_path, capsys):
    f = tmp_path / "rec.jsonl"
    f.write_text(json.dumps(_with()) + "\n" + "[" * 100_000 + "\n")
    _refused(capsys, f, "rec.jsonl:2: nested too deeply")


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(book_files, "MAX_BYTES", 1000)
    f = tmp_path / "big.json"
    f.write_text(json.dumps([_with()] * 20))
    assert f.stat().st_size > 1000
    _refused(capsys, f, "larger than")


def test_dev_zero_ends_with_a_message_instead_of_reading_forever(capsys, monkeypatch):
    monkeypatch.setattr(book_files, "MAX_BYTES", 1 << 16)
    _refused(capsys, "/dev/zero", "larger than")
