"""``sor-desktop keys ...`` end to end through the real entry point, with the venue probe replaced
(tests never reach a venue) and a cheap KDF for new vaults."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from sor_desktop.cli import keys_cmd
from sor_desktop.cli.main import main
from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.permissions import KeyPermissions, unchecked
from sor_desktop.security.vault import Vault
from tests.security.conftest import CHEAP, PASSWORD, fresh_secret

API_KEY = "CliKeyABCDEFGHIJKLMNOPQRSTUVWXYZ01234567"
SECRET = "CliSecret0123456789abcdefghijklmnopqrstuvwxyz"
ROOT = Path(__file__).resolve().parents[2]


class FakeProbe:
    def __init__(self, result: KeyPermissions | None = None) -> None:
        self.result = result
        self.seen: list[KeyEntry] = []

    async def __call__(self, entry: KeyEntry) -> KeyPermissions:
        self.seen.append(entry)
        return self.result or KeyPermissions(entry.venue, True, True, False, True)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    monkeypatch.delenv("SOR_VAULT_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(keys_cmd, "new_vault_kdf", CHEAP)
    monkeypatch.setattr(keys_cmd, "probe", FakeProbe())
    monkeypatch.setattr(keys_cmd, "interactive", lambda: False)
    return tmp_path / "home" / "data" / "vault.sorv"


def keys(*argv: str) -> int:
    return main(["keys", *argv])


API_KEY_2 = "CliKeyTWOFGHIJKLMNOPQRSTUVWXYZ0123456789"
API_KEY_3 = "CliKeyTHREEHIJKLMNOPQRSTUVWXYZ0123456789"


def add(venue: str = "binanceusdm", *extra: str, api_key: str = API_KEY, secret: str | None = None) -> int:
    """``keys add``; each key its own secret unless one is given (the vault refuses a reused one)."""
    return keys("add", venue, "--api-key", api_key, "--secret", secret or fresh_secret("CliSecret"), *extra)


def test_init_add_list_remove(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert keys("init") == 0
    assert env.exists()
    assert add() == 0
    assert add("bybit", "--label", "alt", "--testnet", api_key=API_KEY_2) == 0
    capsys.readouterr()
    assert keys("list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["VENUE", "LABEL", "ROLE", "ORDERS", "API", "KEY", "NET", "CREATED"]
    assert out[1].split()[:6] == ["binanceusdm", "main", "trade", "yes", "…4567", "live"]
    assert out[2].split()[:6] == ["bybit", "alt", "trade", "yes", "…6789", "testnet"]
    assert keys("remove", "bybit", "--label", "alt") == 0
    capsys.readouterr()
    keys("list")
    assert "bybit" not in capsys.readouterr().out


def test_output_never_holds_secrets(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys("init")
    add(secret=SECRET)
    keys("list")
    keys("check")
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert SECRET not in text and API_KEY not in text and PASSWORD not in text


def test_add_probes_and_refuses_a_key_that_can_withdraw(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys("init")
    probe = FakeProbe(KeyPermissions("binanceusdm", True, True, True, False))
    monkeypatch.setattr(keys_cmd, "probe", probe)
    assert add(secret=SECRET) == 2
    assert "can withdraw" in capsys.readouterr().err
    assert probe.seen and probe.seen[0].secret == SECRET
    vault = Vault(env)
    vault.unlock(PASSWORD)
    assert vault.entries() == []


def test_add_of_unprobeable_venue_saves_with_reminder(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys("init")
    monkeypatch.setattr(keys_cmd, "probe", FakeProbe(unchecked("mexc", "mexc offers no way")))
    assert add("mexc") == 0
    out = capsys.readouterr().out
    assert "could not be checked" in out and "disable withdrawals" in out


def test_no_check_skips_the_probe(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys("init")
    probe = FakeProbe()
    monkeypatch.setattr(keys_cmd, "probe", probe)
    assert add("bybit", "--no-check") == 0
    assert probe.seen == []


def test_check_reports_and_fails_on_withdrawal_keys(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys("init")
    add("bybit", "--no-check")
    monkeypatch.setattr(keys_cmd, "probe", FakeProbe(KeyPermissions("bybit", True, True, True, True)))
    assert keys("check") == 1
    out = capsys.readouterr().out
    assert "withdraw: YES" in out and "1 key(s) can withdraw" in out
    assert keys("check", "bingx") == 2


def test_secret_from_stdin_and_passphrase_prompt(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys("init")
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n"))
    monkeypatch.setattr(keys_cmd, "interactive", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr(keys_cmd, "prompt", lambda label: asked.append(label) or "weexPassphrase1")
    assert keys("add", "weex", "--api-key", API_KEY, "--secret", "-", "--no-check") == 0
    assert asked == ["weex API passphrase: "]
    vault = Vault(env)
    vault.unlock(PASSWORD)
    stored = vault.get("weex", "main")
    assert (stored.secret, stored.passphrase) == (SECRET, "weexPassphrase1")


def test_init_prompt_confirms(env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SOR_VAULT_PASSWORD")
    monkeypatch.setattr(keys_cmd, "interactive", lambda: True)
    answers = iter(["first password", "other password"])
    monkeypatch.setattr(keys_cmd, "prompt", lambda _label: next(answers))
    assert keys("init") == 2
    assert "differ" in capsys.readouterr().err
    assert not env.exists()
    answers = iter(["same quiet harbour", "same quiet harbour"])
    assert keys("init") == 0
    Vault(env).unlock("same quiet harbour")


def test_passwd_changes_the_password(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys("init")
    add("bybit", "--no-check")
    monkeypatch.setenv("SOR_VAULT_NEW_PASSWORD", "the new master password")
    assert keys("passwd") == 0
    monkeypatch.setenv("SOR_VAULT_PASSWORD", "the new master password")
    assert keys("list") == 0
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    assert keys("list") == 2


@pytest.mark.parametrize(
    "argv,message",
    [
        (["list"], "no vault at"),
        (["add", "nosuchvenue", "--api-key", API_KEY, "--secret", SECRET], "does not trade 'nosuchvenue'"),
    ],
)
def test_errors_are_one_line_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert keys(*argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("sor-desktop: ")


def test_error_cases_on_an_existing_vault(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    keys("init")
    add("bybit", "--no-check")
    add("bybit", "--no-check", "--label", "two")
    capsys.readouterr()
    cases = [
        (lambda: keys("init"), "already exists"),
        (lambda: add("bybit", "--no-check"), "already exists (use --replace)"),
        (lambda: keys("remove", "bingx"), "no key bingx/main"),
    ]
    for attempt, message in cases:
        assert attempt() == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    monkeypatch.setenv("SOR_VAULT_PASSWORD", "not the password")
    assert keys("list") == 2
    assert capsys.readouterr().err == "sor-desktop: wrong master password\n"
    monkeypatch.delenv("SOR_VAULT_PASSWORD")
    assert keys("list") == 2
    assert "set SOR_VAULT_PASSWORD" in capsys.readouterr().err


def test_damaged_vault_names_the_backups(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys("init")
    add("bybit", "--no-check")
    env.write_bytes(env.read_bytes()[:-5])
    assert keys("list") == 2
    err = capsys.readouterr().err
    assert "truncated" in err and str(env) + ".1" in err and err.count("\n") == 1


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "v.sorv"
    v = Vault(path, kdf_params=CHEAP)
    v.create(PASSWORD)
    proc = subprocess.run(
        [sys.executable, "-m", "sor_desktop", "keys", "list", "--vault", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOR_VAULT_PASSWORD": "definitely wrong", "SOR_DESKTOP_HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr == "sor-desktop: wrong master password\n"
    assert "Traceback" not in proc.stdout


def test_os_errors_are_one_line(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert keys("list", "--vault", str(folder)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sor-desktop: cannot use {folder}") and err.count("\n") == 1


def test_roles_choice_and_reuse(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys("init")
    assert add("binanceusdm", "--label", "data-readonly", "--role", "read-only") == 0
    assert add("binanceusdm", "--label", "trading", api_key=API_KEY_2) == 0
    assert add("binanceusdm", "--label", "second", api_key=API_KEY_3) == 0
    capsys.readouterr()
    keys("list")
    rows = {r.split()[1]: r.split()[2:4] for r in capsys.readouterr().out.splitlines()[1:]}
    assert rows["data-readonly"] == ["read-only", "-"]
    assert rows["trading"][1] == "choose" and rows["second"][1] == "choose"
    assert keys("use", "binanceusdm", "trading") == 0
    capsys.readouterr()
    keys("list")
    rows = {r.split()[1]: r.split()[2:4] for r in capsys.readouterr().out.splitlines()[1:]}
    assert rows["trading"] == ["trade", "yes"] and rows["second"] == ["trade", "no"]
    # the same API key again, under another label, venue or role: exit 2, nothing stored, not probed
    probe = keys_cmd.probe
    assert isinstance(probe, FakeProbe)
    seen = len(probe.seen)
    assert add("bybit", "--label", "copy", api_key=API_KEY_2) == 2
    err = capsys.readouterr().err
    assert "already stored as binanceusdm/trading" in err and err.count("\n") == 1
    assert len(probe.seen) == seen
    assert keys("use", "binanceusdm", "data-readonly") == 2
    assert "read-only" in capsys.readouterr().err


def test_keys_add_refuses_a_venue_the_app_does_not_trade(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys("init")
    assert add("kraken") == 2  # a ccxt venue, spot only
    err = capsys.readouterr().err
    assert "does not trade 'kraken'" in err and "binanceusdm" in err


@pytest.mark.parametrize(("answer", "rc", "said"), [
    (KeyPermissions("bybit", True, True, False, True), 0, "1 of 1"),  # passes every check
    (KeyPermissions("bybit", True, True, False, False), 1, "1 of 1 key(s) could not be checked or failed"),
    (unchecked("bybit", "could not reach the venue: RequestTimeout"), 1, "could not be checked or failed"),
    (KeyPermissions("bybit", True, False, False, True), 1, "failed a check"),  # a trade key that cannot trade
])
def test_check_exits_non_zero_unless_every_check_passed(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    answer: KeyPermissions, rc: int, said: str,
) -> None:
    keys("init")
    add("bybit", "--no-check")
    monkeypatch.setattr(keys_cmd, "probe", FakeProbe(answer))
    assert keys("check") == rc
    out = capsys.readouterr().out
    assert (said in out) is (rc != 0)


def test_check_flags_a_read_only_key_that_can_trade(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys("init")
    add("bybit", "--no-check", "--role", "read-only", "--label", "data")
    monkeypatch.setattr(keys_cmd, "probe", FakeProbe(KeyPermissions("bybit", True, True, False, True)))
    assert keys("check") == 1
    assert "FLAGGED: this read-only key can place orders" in capsys.readouterr().out


def test_remove_says_the_backups_still_hold_the_key_and_takes_the_label_as_use_does(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A removed key stayed inside the vault's earlier backups, unsaid: a trader removing a
    compromised key believed it gone. `keys use bybit alt` took the label as an argument and
    `keys remove bybit alt` refused it."""
    assert keys("init") == 0
    assert add() == 0
    assert add("bybit", "--label", "alt", api_key=API_KEY_2) == 0
    capsys.readouterr()
    assert keys("remove", "bybit", "alt") == 0
    out = capsys.readouterr().out
    assert "removed bybit/alt" in out and "backup" in out and str(env.name) in out


def test_passwd_to_the_same_password_is_refused(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert keys("init") == 0
    monkeypatch.setenv("SOR_VAULT_NEW_PASSWORD", PASSWORD)
    assert keys("passwd") == 2
    assert "the current one" in capsys.readouterr().err


def _pieces(text: str, n: int = 6) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def test_a_secret_stored_with_another_api_key_is_refused(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same secret pasted under a new API key (a slip, or one key's secret reused) was stored;
    as a trade key beside its read-only twin too. Refused before the venue is asked, naming the key
    that holds it and nothing of the secret."""
    pasted = "x" + secrets.token_hex(24)  # a leading "-" would read as an option
    keys("init")
    assert keys("add", "binanceusdm", "--api-key", API_KEY, "--secret", pasted) == 0
    probe = keys_cmd.probe
    assert isinstance(probe, FakeProbe)
    asked = len(probe.seen)
    capsys.readouterr()
    for argv in (["bybit", "--label", "copy", "--api-key", API_KEY_2],
                 ["binanceusdm", "--label", "data", "--role", "read-only", "--api-key", API_KEY_3]):
        assert keys("add", *argv, "--secret", pasted) == 2
        said = capsys.readouterr()
        assert "already stored with another API key, as binanceusdm/main" in said.err
        assert said.err.count("\n") == 1
        assert not _pieces(pasted) & (_pieces(said.err) | _pieces(said.out))
    assert len(probe.seen) == asked
    vault = Vault(env)
    vault.unlock(PASSWORD)
    assert [e.key_id for e in vault.entries()] == [("binanceusdm", "main")]


def test_a_reused_secret_is_refused_by_the_command_a_trader_types(tmp_path: Path) -> None:
    """As a shell runs it: a read-only key given its trade key's secret on standard input."""
    path = tmp_path / "v.sorv"
    Vault(path, kdf_params=CHEAP).create(PASSWORD)
    pasted = "x" + secrets.token_hex(24)  # a leading "-" would read as an option

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sor_desktop", "keys", "add", *argv, "--secret", "-", "--no-check",
             "--vault", str(path)],
            cwd=ROOT, capture_output=True, text=True, input=pasted + "\n", timeout=120,
            env={**os.environ, "SOR_VAULT_PASSWORD": PASSWORD, "SOR_DESKTOP_HOME": str(tmp_path)},
        )

    first = run("bybit", "--api-key", API_KEY)
    assert first.returncode == 0, first.stderr
    again = run("bybit", "--label", "data", "--role", "read-only", "--api-key", API_KEY_2)
    assert again.returncode == 2
    assert "already stored with another API key, as bybit/main" in again.stderr
    assert not _pieces(pasted) & (_pieces(again.stderr) | _pieces(again.stdout))
    vault = Vault(path)
    vault.unlock(PASSWORD)
    assert [e.key_id for e in vault.entries()] == [("bybit", "main")]


def test_list_shows_labels_and_at_most_the_last_four_characters_of_a_key(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`keys list` showed the first four characters of each API key besides its last four: more of
    it than a trader needs to tell keys apart. Neither secret nor passphrase is ever shown."""
    secret, passphrase = "x" + secrets.token_hex(24), "y" + secrets.token_hex(8)
    keys("init")
    assert keys("add", "weex", "--api-key", API_KEY, "--secret", secret, "--passphrase", passphrase) == 0
    capsys.readouterr()
    assert keys("list") == 0
    out = capsys.readouterr().out
    row = out.splitlines()[1].split()
    assert row[:5] == ["weex", "main", "trade", "yes", "…4567"]
    for hidden in (secret, passphrase):
        assert not _pieces(hidden, 5) & _pieces(out, 5)
    assert not _pieces(API_KEY, 5) & _pieces(out, 5)


@pytest.mark.parametrize(("argv", "stdin", "field"), [
    (["bybit", "--api-key", API_KEY, "--secret", "{secret}\n"], "", "secret"),
    (["bybit", "--api-key", API_KEY, "--secret", " {secret}\t"], "", "secret"),
    (["bybit", "--api-key", API_KEY, "--secret", "-"], "{secret}  \r\n", "secret"),
    (["bybit", "--api-key", API_KEY + "\n", "--secret", "{secret}"], "", "API key"),
    (["weex", "--api-key", API_KEY, "--secret", "{secret}", "--passphrase", "Phrase123\n"], "", "passphrase"),
])
def test_a_pasted_line_break_or_space_is_trimmed_and_said(
        env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], stdin: str, field: str) -> None:
    """A secret pasted with its line break was trimmed without a word: the trader could not tell
    what was stored from what was typed. Trimmed, and said; the stored values carry no space."""
    secret = "x" + secrets.token_hex(24)
    keys("init")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin.format(secret=secret)))
    capsys.readouterr()
    assert keys("add", *[a.format(secret=secret) for a in argv], "--no-check") == 0
    out = capsys.readouterr().out
    assert f"the {field} had spaces or a line break around it" in out and "trimmed" in out
    assert secret not in out
    vault = Vault(env)
    vault.unlock(PASSWORD)
    stored = vault.entries()[0]
    assert (stored.api_key, stored.secret) == (API_KEY, secret)
    assert stored.passphrase in (None, "Phrase123")


def test_a_clean_paste_says_nothing_about_trimming(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys("init")
    assert keys("add", "bybit", "--api-key", API_KEY, "--secret", "x" + secrets.token_hex(24), "--no-check") == 0
    assert "trimmed" not in capsys.readouterr().out


def test_removing_the_chosen_key_says_no_key_trades_now(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`keys remove bybit trading` printed only "removed bybit/trading", and `keys list` then showed
    `trading2` trading: a key the trader never chose had become the trading key, unsaid."""
    assert keys("init") == 0
    assert add("bybit", "--label", "trading") == 0
    assert add("bybit", "--label", "trading2", api_key=API_KEY_2) == 0
    assert keys("use", "bybit", "trading") == 0
    capsys.readouterr()
    assert keys("remove", "bybit", "trading") == 0
    out = capsys.readouterr().out
    assert "no trade key is chosen for bybit" in out and "keys use bybit" in out, out
    assert keys("list") == 0
    row = next(line.split() for line in capsys.readouterr().out.splitlines() if "trading2" in line)
    assert row[:4] == ["bybit", "trading2", "trade", "choose"], row
