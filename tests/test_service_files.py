"""The files that run heel-bot as a service (Dockerfile, compose.yaml, docs/heel-bot.service):
what they promise, read as text, and their command lines accepted by `heel-bot serve`.

Building the image needs a Docker daemon, which the tests do not have; `.ci/run` lints the
Dockerfile with hadolint.
"""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from auxil.defs import REPO

from heel_bot import cli
from heel_bot.serve_config import ConfigError, ServeConfig, config_from

TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"


def final_stage(dockerfile: str) -> list[tuple[str, str]]:
    """(instruction, arguments) of the last stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", dockerfile)
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    last = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines[last:]]


def serve_settings(argv: list[str], env: dict[str, str]) -> ServeConfig:
    args = cli.build_parser().parse_args(argv)
    assert args.command == "serve"
    return config_from(args, {"TELEGRAM_BOT_TOKEN": TOKEN, **env})


def test_the_image_is_slim_runs_as_a_user_and_holds_no_token() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    stage = final_stage(dockerfile)
    assert re.fullmatch(r"python:3\.1[1-9]-slim\S*", stage[0][1])
    users = [args for op, args in stage if op == "USER"]
    assert users and not re.match(r"(root|0)\b", users[-1])
    assert ("VOLUME", '["/data"]') in stage
    env = " ".join(args for op, args in stage if op == "ENV")
    assert "HEEL_BOT_DB=/data/" in env
    assert "TELEGRAM_BOT_TOKEN" not in dockerfile.replace("-e TELEGRAM_BOT_TOKEN", "")
    assert not re.search(r"\d{6,}:[A-Za-z0-9_-]{30,}", dockerfile)
    assert ("ENTRYPOINT", '["heel-bot"]') in stage and ("CMD", '["serve"]') in stage
    assert "COPY dialogs" in dockerfile and "COPY content" in dockerfile  # into the wheel
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert not {"dialogs", "content", "heel_bot", "pyproject.toml", "README.md"} & set(ignored)


def test_compose_runs_polling_or_a_webhook_on_one_volume() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"polling", "webhook"}
    for name, service in services.items():
        assert service["profiles"] == [name]
        assert service["volumes"] == ["heel-data:/data"]
        assert service["environment"]["TELEGRAM_BOT_TOKEN"].startswith("${TELEGRAM_BOT_TOKEN:?")
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert serve_settings(services["polling"]["command"], {}).mode == "polling"
    url = "${HEEL_BOT_WEBHOOK_URL:-set HEEL_BOT_WEBHOOK_URL}"
    webhook = [arg.replace(url, "https://bot.example.org/heel")
               for arg in services["webhook"]["command"]]
    settings = serve_settings(webhook, {})
    assert (settings.mode, settings.listen, settings.port) == ("webhook", "0.0.0.0", 8443)
    # Without the URL, serve stops at once and says what is wrong.
    unset = [arg.replace(url, "set HEEL_BOT_WEBHOOK_URL")
             for arg in services["webhook"]["command"]]
    with pytest.raises(ConfigError, match="set HEEL_BOT_WEBHOOK_URL"):
        serve_settings(unset, {})


def test_the_systemd_unit_keeps_the_token_out_and_runs_serve() -> None:
    unit = (REPO / "docs" / "heel-bot.service").read_text(encoding="utf-8")
    lines = [line for line in unit.splitlines() if line and not line.startswith("#")]
    options = [tuple(line.split("=", 1)) for line in lines if "=" in line]
    assert ("DynamicUser", "yes") in options and ("NoNewPrivileges", "yes") in options
    assert ("EnvironmentFile", "/etc/heel-bot/env") in options
    assert not [v for k, v in options if k == "Environment" and "TOKEN" in v]
    (exec_start,) = [v for k, v in options if k == "ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[0].endswith("/heel-bot")
    environment = dict(v.split("=", 1) for k, v in options if k == "Environment")
    assert serve_settings(argv[1:], environment).health_port == 9090
