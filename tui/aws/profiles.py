"""The AWS profiles and regions the shared config files name, and whether an SSO profile can log in.

Read with botocore from ``~/.aws/config`` and ``~/.aws/credentials`` (``AWS_CONFIG_FILE`` and
``AWS_SHARED_CREDENTIALS_FILE`` honoured), nothing sent anywhere: the command palette lists
them, and a switch to a profile that signs in through AWS IAM Identity Center (``sso_start_url``
or ``sso_session`` in its section) is checked against the login token cached by
``aws sso login`` (``~/.aws/sso/cache``) before the app connects with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import datetime

import botocore.session


def _full_config() -> dict:
    """botocore's parse of the shared config files (empty when they cannot be read)."""
    try:
        return botocore.session.Session().full_config or {}
    except Exception:  # noqa: BLE001 - a config file botocore cannot parse: nothing to offer
        return {}


def config_profiles() -> list[str]:
    """Every profile of the config and credentials files, sorted (``default`` included when defined)."""
    try:
        names = botocore.session.Session().available_profiles
    except Exception:  # noqa: BLE001 - unreadable files: no profiles
        return []
    return sorted(set(names))


def sso_profiles(profiles: list[str]) -> frozenset[str]:
    """Those of ``profiles`` that sign in through SSO (the config files read once)."""
    config = _full_config()
    return frozenset(p for p in profiles if sso_settings(p, config) is not None)


def config_regions() -> list[str]:
    """The distinct ``region`` values of the config file's profiles, sorted."""
    profiles = _full_config().get("profiles", {})
    found = {section.get("region", "").strip() for section in profiles.values() if isinstance(section, dict)}
    return sorted(r for r in found if r)


def sso_settings(profile: str | None, config: dict | None = None) -> tuple[str, str | None] | None:
    """``(start URL, sso-session name)`` of a profile that logs in through SSO (the session
    name is None for the legacy form with ``sso_start_url`` in the profile); None otherwise.
    ``config``: botocore's parse of the config files, read here when not given."""
    config = _full_config() if config is None else config
    section = config.get("profiles", {}).get(profile or "default")
    if not isinstance(section, dict):
        return None
    session_name = section.get("sso_session")
    if session_name:
        session = config.get("sso_sessions", {}).get(session_name, {})
        return (session.get("sso_start_url", "") if isinstance(session, dict) else "", session_name)
    if section.get("sso_start_url"):
        return section["sso_start_url"], None
    return None


def sso_cache_dir() -> str:
    """Where ``aws sso login`` keeps its tokens (read at each call: ``HOME`` may differ per test)."""
    return os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache")


def _expiry(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("UTC", "+00:00")).timestamp()
    except (AttributeError, ValueError):
        return None


def sso_problem(profile: str | None, now: float | None = None) -> str | None:
    """One line when ``profile`` logs in through SSO and has no usable login token (none cached,
    or expired without a refresh token botocore could use); None when it needs no SSO or is
    logged in."""
    settings = sso_settings(profile)
    if settings is None:
        return None
    start_url, session_name = settings
    name = profile or "default"
    login = f"aws sso login --profile {name}" if name != "default" else "aws sso login"
    key = hashlib.sha1((session_name or start_url).encode("utf-8")).hexdigest()
    try:
        with open(os.path.join(sso_cache_dir(), f"{key}.json"), encoding="utf-8") as fh:
            token = json.load(fh)
    except (OSError, ValueError):
        token = None
    if not isinstance(token, dict) or "accessToken" not in token:
        return f"profile {name} signs in with AWS SSO and is not logged in: run `{login}`, then switch again"
    now = time.time() if now is None else now
    expires = _expiry(str(token.get("expiresAt", "")))
    refreshable = bool(session_name and token.get("refreshToken")) and (
        (_expiry(str(token.get("registrationExpiresAt", ""))) or 0.0) > now)
    if (expires is None or expires <= now) and not refreshable:
        return f"profile {name}: its AWS SSO login has expired: run `{login}`, then switch again"
    return None
