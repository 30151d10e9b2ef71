"""SigmaVault control panel: edit the pillar, preview what Salt would change, apply it and watch it happen.

create_app(config) builds the Flask application for one site (a sigmavault.salt_bridge.Site: the pillar
directory, the state directory, the fstab and etc it converges). `python -m sigmavault_panel` serves it.
"""

import datetime
import hashlib

from flask import Flask

from sigmavault.site import Site
from sigmavault.storage.sizes import human
from sigmavault_panel import access, errors, security
from sigmavault_panel import panel as services
from sigmavault_panel.config import DEFAULTS, panel_dir, secret_key


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    site = app.config.get("SITE") or Site.from_environment()
    app.config["SITE"] = site
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(panel_dir(site.state_dir))
    app.extensions["sigmavault"] = services.build(app, site)

    access.init_app(app)      # first: who is asking, and may they
    security.init_app(app)    # then: CSRF for browsers, headers on every response
    errors.init_app(app)
    _filters(app)

    from sigmavault_panel import agents, api, auth, dashboard, editor, events, jobs
    for blueprint in (auth.bp, dashboard.bp, editor.bp, jobs.bp, agents.bp, events.bp, api.bp):
        app.register_blueprint(blueprint)
    if app.config["AGENT_EVENTS_FROM_SALT"]:
        from sigmavault_panel.services.agent_events import AgentEvents
        app.extensions["sigmavault_agent_events"] = AgentEvents(site, app.extensions["sigmavault"].bus).start()
    return app


def _filters(app: Flask) -> None:
    app.jinja_env.filters["bytes"] = lambda n: human(n) if isinstance(n, int) else "–"
    app.jinja_env.filters["field_id"] = lambda name: "f" + hashlib.sha1(name.encode()).hexdigest()[:12]

    @app.template_filter("when")
    def when(timestamp: float | None) -> str:
        if not timestamp:
            return "–"
        return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")

    @app.template_filter("duration")
    def duration(seconds: float | None) -> str:
        if seconds is None:
            return "–"
        seconds = int(seconds)
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        return (f"{days} d " if days else "") + f"{hours} h {rest // 60} min"
