"""How waitress serves the panel: idle and slow clients are bounded, proxy headers are believed only when told.

Waitress's defaults let about 100 idle TCP connections hold every slot for minutes (connection_limit 100,
channel_timeout 120 s, cleanup every 30 s). Here a connection with no request in progress is dropped after
`idle_seconds`, the idle sweep runs every CLEANUP_SECONDS, and the slot count is high enough that a handful
of sockets cannot fill it (poll(), not select(), so descriptors past 1024 work).

Behind a reverse proxy (the image's nginx) the client's address and scheme arrive in X-Forwarded-For and
X-Forwarded-Proto. Waitress believes them only from `proxy_address` (the proxy's own peer address) and only
the last `trusted_proxies` hops of X-Forwarded-For, so neither a client of nginx (nginx appends, the forged
part lies beyond the trusted hop) nor a direct client (its peer address is not the proxy's) picks its own
address. Without `trusted_proxies` every X-Forwarded-* header is removed before the panel sees it.
"""

import resource

IDLE_SECONDS = 15
CONNECTION_LIMIT = 1000
CLEANUP_SECONDS = 2
PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto"}


def waitress_settings(host: str, port: int, threads: int, trusted_proxies: int = 0,
                      proxy_address: str = "127.0.0.1", connection_limit: int = CONNECTION_LIMIT,
                      idle_seconds: int = IDLE_SECONDS) -> dict:
    """Keyword arguments for waitress.serve / create_server."""
    settings = {
        "host": host, "port": port, "threads": threads, "ident": "",
        "connection_limit": connection_limit, "channel_timeout": idle_seconds,
        "cleanup_interval": min(CLEANUP_SECONDS, idle_seconds), "asyncore_use_poll": True,
        "clear_untrusted_proxy_headers": True,
    }
    if trusted_proxies > 0:
        settings.update(trusted_proxy=proxy_address, trusted_proxy_count=trusted_proxies,
                        trusted_proxy_headers=set(PROXY_HEADERS))
    return settings


def allow_open_files(needed: int) -> None:
    """Raise this process's soft descriptor limit to `needed` (bounded by the hard limit): one per connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
