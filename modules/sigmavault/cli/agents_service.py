"""`sigmavault-agents`: the agent service, one long-running process per state dir (a systemd unit of
Type=notify with a watchdog on the image). This adapter wires the runtime to the outside: Salt's event
bus (salt_bridge.agent_bus) for events, salt_bridge.agent_converge for converges, sd_notify, signals,
the wake socket, the pid file and the one-service-per-state-dir lock. Salt is imported only when the
publisher is made and when an agent converges, to keep the resident service small.
"""

import argparse
import contextlib
import faulthandler
import fcntl
import logging
import os
import signal
import sys
import time
from pathlib import Path

from sigmavault.agents import wake
from sigmavault.agents.notify import Notifier
from sigmavault.agents.outbox import Outbox
from sigmavault.agents.registry import ConvergeReport, load_agents
from sigmavault.agents.runtime import Runtime, RuntimeConfig
from sigmavault.agents.store import Store
from sigmavault.files import write_atomically
from sigmavault.site import Site

log = logging.getLogger("sigmavault-agents")
DEFAULT_AGENTS = "sigmavault.agents.builtin:BUILTIN"
EXIT_REFUSED = 1
STATUS_SECONDS = 5.0      # how often systemctl status's line is brought up to date
EPILOG = f"""--agents MODULE:ATTR names the agents the service runs (default {DEFAULT_AGENTS}, the box's own):
tests and the benchmark run the real service with agents of their own this way. Each agent's enable flag,
schedule and settings come from <state-dir>/agents/config.json (written by `sigmavault apply`); an agent
it does not name is disabled. SIGTERM stops the service: no new tasks, running ones asked to stop, exit 0."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sigmavault-agents", epilog=EPILOG,
                                     description="SigmaVault's agent service: schedules, the task queue, workers.")
    parser.add_argument("--state-dir", required=True, help="the site's state dir (its agents/ folder holds the "
                                                           "queue, config.json, the wake socket and the lock)")
    parser.add_argument("--pidfile", help="write the service's pid here (when not run by systemd)")
    parser.add_argument("--agents", default=DEFAULT_AGENTS, metavar="MODULE:ATTR",
                        help=f"the agents to run (default {DEFAULT_AGENTS}); for tests and the benchmark")
    return parser.parse_args(argv)


def hold_service_lock(agents_dir: Path) -> int | None:
    """flock on service.lock: one service per state dir, so no task ever runs twice at once."""
    descriptor = os.open(agents_dir / "service.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def read_runtime_config(path: Path, state_dir: Path) -> RuntimeConfig:
    """config.json through the one reader (records.read_json: damage names the file and the remedy)."""
    from sigmavault.agents.config import read_config
    from sigmavault.records import RecordDamaged
    document = read_config(path)
    try:
        return RuntimeConfig.parse(document, state_dir)
    except ValueError as error:
        raise RecordDamaged(path, str(error), "run `sigmavault apply` to write it again from the pillar") from None


def make_publisher(site: Site):
    """Salt's bus through salt_bridge.agent_bus. Only if that module is absent (a tree without it) the
    service logs once and publishes nowhere; any other failure to make the publisher is logged the same
    way, since events are best effort and must never keep the queue from running."""
    try:
        from sigmavault.salt_bridge.agent_bus import publisher
    except ModuleNotFoundError as missing:
        if missing.name != "sigmavault.salt_bridge.agent_bus":
            raise
        log.warning("salt_bridge.agent_bus is missing: agent events are published nowhere")
        return None
    try:
        return publisher(site)
    except Exception as error:  # noqa: BLE001 - no bus is no reason to stop maintenance
        log.error("the event bus could not be opened (%s): agent events are published nowhere", error)
        return None


def converge(site: Site, test: bool) -> ConvergeReport:
    from sigmavault.salt_bridge.agent_converge import converge as salt_converge
    return salt_converge(site, test)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # The watchdog ends a hung service with SIGABRT: every thread's stack then reaches the journal.
    faulthandler.enable(file=sys.stderr, all_threads=True)
    state_dir = Path(args.state_dir).resolve()
    agents_dir = state_dir / "agents"
    agents_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = hold_service_lock(agents_dir)
    if lock is None:
        print(f"sigmavault-agents: another agent service already serves {state_dir} (it holds "
              f"{agents_dir / 'service.lock'}); stop it first", file=sys.stderr)
        return EXIT_REFUSED
    try:
        agents = load_agents(args.agents)
    except ValueError as error:
        print(f"sigmavault-agents: {error}", file=sys.stderr)
        return EXIT_REFUSED
    config_path = agents_dir / "config.json"
    damage = None
    try:
        config = read_runtime_config(config_path, state_dir)
    except RuntimeError as error:   # RecordDamaged: missing or damaged; run with no agent enabled until fixed
        damage = error
        log.error("%s; until it is readable no agent is scheduled", error)
        config = RuntimeConfig.parse({}, state_dir)
    site = config.site
    publisher = make_publisher(site)
    outbox = Outbox(publisher.publish) if publisher else None
    store = Store.open(Site(pillar_dir=site.pillar_dir, state_dir=state_dir))
    for task in store.recover():
        log.warning("task %s (%s) was running when the service stopped: now %s", task["id"], task["agent"],
                    task["state"])
    runtime = Runtime(store, agents, config, publish=outbox, converge=converge,
                      task_command=[sys.executable, "-m", "sigmavault.cli.agents_task", "--agents", args.agents],
                      config_reader=lambda: read_runtime_config(config_path, state_dir), config_path=config_path)
    if damage is not None and config_path.exists():
        runtime.publish("sigmavault/agents/config/damaged", {"path": str(config_path), "message": str(damage)})
    listener = wake.listen(agents_dir / wake.SOCKET_NAME)

    def stop(signum, frame):
        runtime.stopping.set()
        runtime.poke()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.pidfile:
        write_atomically(Path(args.pidfile), f"{os.getpid()}\n", 0o644)
    notifier = Notifier()
    pinged = [0.0]

    told = {"status": "", "at": 0.0}

    def on_tick() -> None:
        interval, now = notifier.watchdog_seconds, time.monotonic()
        # A stuck loop sends nothing, and unhealthy workers withhold the ping: systemd restarts the service.
        if interval and now - pinged[0] >= interval / 3 and runtime.healthy():
            notifier.watchdog()
            pinged[0] = now
        if notifier.address and now - told["at"] >= STATUS_SECONDS:
            told["at"] = now
            counts = store.counts()
            status = f"{counts['running']} running, {counts['queued']} queued"
            if status != told["status"]:
                told["status"] = status
                notifier.status(status)
    notifier.ready(f"{len(agents)} agents, {config.workers} workers")
    log.info("serving %s with %d agents and %d workers", state_dir, len(agents), config.workers)
    try:
        interval = notifier.watchdog_seconds
        runtime.run(on_tick, listener, max_wait=min(1.0, interval / 3) if interval else 1.0)
    finally:
        notifier.stopping()
        runtime.stop()
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            (agents_dir / wake.SOCKET_NAME).unlink()
        if args.pidfile:
            with contextlib.suppress(FileNotFoundError):
                Path(args.pidfile).unlink()
        if outbox is not None:
            outbox.close()
            publisher.close()
        store.close()
        os.close(lock)
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
