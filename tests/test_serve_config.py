"""`heel-bot serve` configuration: flags over environment, one-line errors, defaults."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import platformdirs
import pytest

from heel_bot import cli, serve_config
from heel_bot.serve_config import ConfigError, ServeConfig, config_from

TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"
OTHER = "987654321:BBHother-Token_for_the_loopback_stand_1"


def parse(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve_config.add_arguments(parser)
    return parser.parse_args(list(flags))


def one_line_error(args: argparse.Namespace, env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as info:
        config_from(args, env)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_token_from_the_environment(tmp_path: Path):
    config = config_from(parse(), {"TELEGRAM_BOT_TOKEN": TOKEN, "HEEL_BOT_DB": str(tmp_path)
                                   + "/x.db"})
    assert config == ServeConfig(TOKEN, None, tmp_path / "x.db")
    assert config.mode == "polling"


def test_flags_win_over_the_environment(tmp_path: Path):
    env = {"TELEGRAM_BOT_TOKEN": OTHER, "TELEGRAM_API_URL": "http://10.0.0.1:9/bot",
           "HEEL_BOT_DB": "/elsewhere.db", "HEEL_BOT_WEBHOOK_SECRET": "env-secret"}
    config = config_from(parse("--token", TOKEN, "--api-url", "http://127.0.0.1:8081/bot",
                               "--db", str(tmp_path / "f.db"), "--secret-token", "flag-secret"),
                         env)
    assert (config.token, config.api_url, config.db_path, config.secret_token) == (
        TOKEN, "http://127.0.0.1:8081/bot", tmp_path / "f.db", "flag-secret")


def test_missing_token_says_how_to_get_one():
    message = one_line_error(parse(), {})
    assert "TELEGRAM_BOT_TOKEN" in message and "@BotFather" in message
    assert one_line_error(parse(), {"TELEGRAM_BOT_TOKEN": "  "}) == message


@pytest.mark.parametrize("bad", [
    "123456789", "123456789:", ":AAHtest-Token_for_the_loopback_standin_0",
    "abc:AAHtest-Token_for_the_loopback_standin_0", "123456789:short",
    "123456789:AAHtest Token_for_the_loopback_standin_0", "bot123456789:AAHtest-Token_for_x_0",
    '"123456789:AAHtest-Token_for_the_loopback_standin_0"',
    "123456789:AAHtest-Token_for_the_loopback_standin_0/",
])
def test_malformed_token_is_one_line_and_never_echoed(bad: str):
    message = one_line_error(parse(), {"TELEGRAM_BOT_TOKEN": bad})
    assert "malformed" in message
    for piece in (bad.strip('"'), *bad.split(":")):
        assert len(piece) < 6 or piece not in message


def test_default_database_is_in_the_users_data_directory():
    config = config_from(parse("--token", TOKEN), {})
    assert config.db_path == platformdirs.user_data_path("heel-bot", appauthor=False) / \
        "heel-bot.sqlite3"
    assert config.db_path == serve_config.default_db_path()


def test_a_folder_is_not_a_database(tmp_path: Path):
    assert "folder" in one_line_error(parse("--token", TOKEN, "--db", str(tmp_path)), {})


@pytest.mark.parametrize("where", ["flag", "environment"])
def test_a_postgresql_url_selects_postgresql_and_its_password_stays_out_of_sight(where: str):
    url = "postgresql://heel:pa55word@db.internal:5433/heel?sslmode=require"
    flags = ("--token", TOKEN, *(("--db", url) if where == "flag" else ()))
    config = config_from(parse(*flags), {"HEEL_BOT_DB": url} if where == "environment" else {})
    assert config.db_url == url  # as given: a Path would have folded its //
    assert config.db_path == serve_config.default_db_path()  # unused
    assert "pa55word" not in repr(config) and "sslmode" not in repr(config)
    assert "postgresql://heel@db.internal:5433/heel" in repr(config)
    assert config_from(parse("--token", TOKEN, "--db", "postgres://h/db"), {}).db_url


def test_a_postgresql_url_with_a_bad_port_is_one_line_without_the_password():
    message = one_line_error(parse("--token", TOKEN), {
        "HEEL_BOT_DB": "postgresql://heel:pa55word@db:99999/heel"})
    assert "port" in message and "pa55word" not in message


@pytest.mark.parametrize(("given", "base", "files"), [
    ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
    ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
    ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
    ("https://tg.example.org/api/bot", "https://tg.example.org/api/bot",
     "https://tg.example.org/api/file/bot"),
])
def test_api_url(given: str, base: str, files: str):
    config = config_from(parse("--token", TOKEN, "--api-url", given), {})
    assert config.api_url == base
    assert serve_config.api_file_url(base) == files


@pytest.mark.parametrize("bad", ["127.0.0.1:8081", "ftp://x/bot", "http://", "http://h:99999/",
                                 "http://h/bot?x=1"])
def test_bad_api_url(bad: str):
    assert "URL" in one_line_error(parse("--token", TOKEN, "--api-url", bad), {}) or \
        "port" in one_line_error(parse("--token", TOKEN, "--api-url", bad), {})


def test_webhook_settings():
    config = config_from(parse("--token", TOKEN, "--webhook-url", "https://bot.example.org/hook",
                               "--listen", "0.0.0.0", "--port", "8443",
                               "--secret-token", "s3cret_-"), {})
    assert (config.mode, config.webhook_url, config.listen, config.port, config.secret_token) == (
        "webhook", "https://bot.example.org/hook", "0.0.0.0", 8443, "s3cret_-")


def test_a_webhook_always_has_a_secret():
    config = config_from(parse("--token", TOKEN, "--webhook-url", "https://b.example/hook"), {})
    assert config.secret_token and serve_config.SECRET_RE.fullmatch(config.secret_token)
    env = {"HEEL_BOT_WEBHOOK_SECRET": "from-env"}
    assert config_from(parse("--token", TOKEN, "--webhook-url", "https://b.example/h"),
                       env).secret_token == "from-env"


@pytest.mark.parametrize(("flags", "words"), [
    (["--webhook-url", "http://bot.example.org/hook"], "https"),
    (["--webhook-url", "https://bot.example.org:9000/hook"], "port"),
    (["--webhook-url", "https://b.example/h", "--secret-token", "no spaces allowed"], "secret"),
    (["--webhook-url", "https://b.example/h", "--port", "0"], "--port"),
    (["--webhook-url", "https://b.example/h", "--port", "http"], "--port"),
])
def test_bad_webhook_settings(flags: list[str], words: str):
    assert words in one_line_error(parse("--token", TOKEN, *flags), {})


def test_plain_http_webhook_is_fine_with_a_local_bot_api_server():
    config = config_from(parse("--token", TOKEN, "--api-url", "http://127.0.0.1:8081/bot",
                               "--webhook-url", "http://127.0.0.1:8444/hook"), {})
    assert config.webhook_url == "http://127.0.0.1:8444/hook"


def test_day_seconds_for_short_check_ins():
    config = config_from(parse("--token", TOKEN), {"HEEL_BOT_DAY_SECONDS": "0.5"})
    assert config.day_seconds == 0.5
    assert "HEEL_BOT_DAY_SECONDS" in one_line_error(
        parse("--token", TOKEN), {"HEEL_BOT_DAY_SECONDS": "-1"})


def test_repr_hides_the_secrets():
    config = ServeConfig(TOKEN, None, Path("x"), secret_token="hush")
    assert TOKEN.split(":")[1] not in repr(config) and "hush" not in repr(config)


def test_serve_prints_the_problem_and_exits_2(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli.cmd_serve(cli.build_parser().parse_args(["serve"])) == 2
    err = capsys.readouterr().err
    assert err.startswith("heel-bot: ") and err.count("\n") == 1


def test_cli_serve_without_a_token(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli.main(["serve"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_plain_heel_bot_serves_when_a_token_is_set(monkeypatch):
    seen: list[argparse.Namespace] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(args)
        return 0

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setattr(cli, "cmd_serve", fake_run)
    monkeypatch.setattr(sys, "argv", ["heel-bot"])
    assert cli.main(None) == 0
    assert seen and seen[0].command == "serve" and seen[0].token is None
    config = config_from(seen[0], {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert config.token == TOKEN and config.mode == "polling"


# ------------------------------------------------------------------ running as a service


def test_service_settings_from_flags_or_the_environment():
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "HEEL_BOT_HEALTH_PORT": "9090",
           "HEEL_BOT_HEALTH_LISTEN": "0.0.0.0", "HEEL_BOT_LOG_FORMAT": "json",
           "HEEL_BOT_DEEP_LINKS": "club_riverside, parkrun-42,,"}
    config = config_from(parse(), env)
    assert (config.health_port, config.health_listen, config.log_format) == (
        9090, "0.0.0.0", "json")
    assert config.deep_links == frozenset({"club_riverside", "parkrun-42"})
    flags = config_from(parse("--health-port", "9100", "--log-format", "text",
                              "--deep-links", "coach"), env)
    assert (flags.health_port, flags.log_format, flags.deep_links) == (
        9100, "text", frozenset({"coach"}))
    plain = config_from(parse(), {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (plain.health_port, plain.health_listen, plain.log_format, plain.deep_links) == (
        None, "127.0.0.1", "text", frozenset())


@pytest.mark.parametrize(("env", "words"), [
    ({"HEEL_BOT_HEALTH_PORT": "http"}, "--health-port"),
    ({"HEEL_BOT_HEALTH_PORT": "70000"}, "1 to 65535"),
    ({"HEEL_BOT_LOG_FORMAT": "xml"}, "text or json"),
    ({"HEEL_BOT_DEEP_LINKS": "club riverside"}, "'club riverside'"),
    ({"HEEL_BOT_DEEP_LINKS": "x" * 65}, "1 to 64"),
])
def test_bad_service_settings(env: dict[str, str], words: str):
    assert words in one_line_error(parse(), {"TELEGRAM_BOT_TOKEN": TOKEN, **env})


def test_the_health_port_is_not_the_webhooks():
    flags = parse("--webhook-url", "https://bot.example.org/hook", "--port", "8443",
                  "--health-port", "8443")
    assert "port of their own" in one_line_error(flags, {"TELEGRAM_BOT_TOKEN": TOKEN})
    polling = config_from(parse("--health-port", "8443"), {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert polling.health_port == 8443  # no webhook server to clash with


def test_several_instances_split_the_flood_limit_and_need_a_shared_database_and_secret():
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "HEEL_BOT_DB": "postgresql://heel@db/heel",
           "HEEL_BOT_WEBHOOK_SECRET": "one-secret", "HEEL_BOT_INSTANCES": "2"}
    hook = ("--webhook-url", "https://bot.example.org/heel")
    assert config_from(parse(*hook), env).instances == 2
    assert config_from(parse(*hook, "--instances", "3"), env).instances == 3
    assert "instances=2" in repr(config_from(parse(*hook), env))
    assert config_from(parse(), {"TELEGRAM_BOT_TOKEN": TOKEN}).instances == 1
    for bad in ("0", "31", "two", "-1", "1.5"):
        assert "from 1 to 30" in one_line_error(parse(*hook), {**env, "HEEL_BOT_INSTANCES": bad})
    assert "--webhook-url" in one_line_error(parse(), env)  # long polling: one instance
    sqlite = {**env, "HEEL_BOT_DB": "/var/lib/heel/heel.sqlite3"}
    assert "postgresql://" in one_line_error(parse(*hook), sqlite)
    no_secret = {k: v for k, v in env.items() if k != "HEEL_BOT_WEBHOOK_SECRET"}
    assert "same webhook secret" in one_line_error(parse(*hook), no_secret)
