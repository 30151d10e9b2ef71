"""The services one panel instance holds, built once by the application factory."""

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app

from sigmavault.salt_bridge.call import salt_call
from sigmavault.site import Site
from sigmavault_panel.config import panel_dir
from sigmavault_panel.services import readings
from sigmavault_panel.services.accounts import group_members, pam_authenticator, set_password, system_groups
from sigmavault_panel.services.bus import EventBus
from sigmavault_panel.services.pillar_store import PillarStore
from sigmavault_panel.services.runner import JobRunner
from sigmavault_panel.services.saltcache import SaltReader
from sigmavault_panel.services.sessions import SessionRegistry
from sigmavault_panel.services.throttle import LoginThrottle
from sigmavault_panel.services.tokens import TokenStore

RENEW_SECONDS = 5 * 60   # to choose a new password after signing in with an expired (one-time) one


@dataclass
class Panel:
    site: Site
    salt: object
    store: PillarStore
    reader: SaltReader
    bus: EventBus
    runner: JobRunner
    tokens: TokenStore
    sessions: SessionRegistry
    throttle: LoginThrottle
    authenticate: object
    groups_of: object
    members_of: object
    set_password: object
    renewals: SessionRegistry   # signed-in with an expired password, choosing a new one
    streams: "StreamSlots" = field(default_factory=lambda: StreamSlots(24))


class StreamSlots:
    """Open event streams hold a server thread each; past the limit new ones are refused, not queued."""

    def __init__(self, limit: int):
        self.limit, self.open = limit, 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.open -= 1


def build(app: Flask, site: Site) -> Panel:
    config, directory = app.config, panel_dir(site.state_dir)
    salt = config.get("SALT_CALL") or salt_call
    clock = config.get("CLOCK") or time.time
    bus = EventBus()
    reader = SaltReader(readings.fetchers(site, salt), ttl=config["SALT_CACHE_SECONDS"],
                        wait=config["SALT_WAIT_SECONDS"], failures_to_open=config["SALT_BREAKER_FAILURES"],
                        cooldown=config["SALT_BREAKER_COOLDOWN_SECONDS"], grace=config["SALT_GRACE_SECONDS"])
    store = PillarStore(site.pillar_dir, directory / "pillar.lock", config["PILLAR_FILE"],
                        box=site if config["PILLAR_CHECKS_THE_BOX"] else None)

    def after_job(job) -> None:
        if job.kind != "preview":
            reader.invalidate()

    return Panel(
        site=site, salt=salt, store=store, reader=reader, bus=bus,
        runner=JobRunner(directory / "jobs", bus, on_finish=after_job),
        tokens=TokenStore(directory / "tokens.json"),
        sessions=SessionRegistry(config["SESSION_IDLE_SECONDS"], config["SESSION_MAX_SECONDS"], clock),
        throttle=LoginThrottle(config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCKOUT_SECONDS"],
                               config["LOGIN_ATTEMPTS_PER_WINDOW"], config["LOGIN_WINDOW_SECONDS"], clock),
        authenticate=config.get("AUTHENTICATE") or pam_authenticator(config["PAM_SERVICE"]),
        groups_of=config.get("GROUPS_OF") or system_groups,
        members_of=config.get("MEMBERS_OF") or group_members,
        set_password=config.get("SET_PASSWORD") or set_password,
        renewals=SessionRegistry(RENEW_SECONDS, RENEW_SECONDS, clock),
        streams=StreamSlots(config["SSE_MAX_STREAMS"]),
    )


def panel() -> Panel:
    return current_app.extensions["sigmavault"]
