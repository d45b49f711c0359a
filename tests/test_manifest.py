"""The repo's Slack manifest and .env.example say exactly what the code uses."""

import re

from bot.slack import app as slack_app
from tests.conftest import ROOT


def manifest_list(text: str, key: str) -> list[str]:
    """Items of the YAML list under `key:` (a flat, two-space-indented manifest)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = []
    for line in lines[start + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        if m := re.match(r"\s*- (?:command: )?(\S+)$", line):
            items.append(m.group(1))
    return items


def test_manifest_has_exactly_our_commands_events_and_scopes():
    text = (ROOT / "manifest.yml").read_text()
    assert manifest_list(text, "slash_commands") == list(slack_app.COMMANDS)
    assert manifest_list(text, "bot_events") == list(slack_app.EVENTS)
    assert manifest_list(text, "bot") == list(slack_app.SCOPES)
    assert "messages_tab_enabled: true" in text
    assert "messages_tab_read_only_enabled: false" in text
    assert "is_enabled: true" in text  # interactivity: buttons


def test_http_manifest_matches_the_socket_one_with_request_urls():
    socket = (ROOT / "manifest.yml").read_text()
    http = (ROOT / "manifest.http.yml").read_text()
    for key in ("slash_commands", "bot_events", "bot", "unfurl_domains"):
        assert manifest_list(http, key) == manifest_list(socket, key), key
    assert "socket_mode_enabled: false" in http and "socket_mode_enabled: true" in socket
    urls = re.findall(r"^\s*(?:request_)?url: (\S+)$", http, re.M)
    assert urls == ["https://newsbot.example.org/slack/events"] * 5  # 3 commands, events, buttons
    assert "url:" not in socket
    assert "home_tab_enabled: true" in http and "home_tab_enabled: true" in socket


def test_readme_names_the_feature_behind_every_scope():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| Scope |") :].split("\n\n")[0]
    listed = re.findall(r"^\| `([a-z_:.]+)` \|", table, re.M)
    assert listed == list(slack_app.SCOPES)


def test_the_app_listens_for_each_command():
    source = (ROOT / "bot" / "slack" / "app.py").read_text()
    registered = re.findall(r'app\.command\("(/\w+)"\)', source)
    assert sorted(registered) == sorted(slack_app.COMMANDS)


def test_env_example_lists_every_setting():
    code = (ROOT / "bot" / "config.py").read_text()
    read = set(re.findall(r'(?<!environ\.)get\("([A-Z_]+)"\)', code))
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read == example
    lines = (ROOT / ".env.example").read_text().splitlines()
    for i, line in enumerate(lines):  # each variable has its one-line comment above it
        if re.match(r"^[A-Z_]+=", line):
            assert lines[i - 1].startswith("# "), line


def test_env_is_git_ignored():
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
