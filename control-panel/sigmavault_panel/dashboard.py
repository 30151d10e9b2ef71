"""The box at a glance: system, disks, pools, datasets and shares — each read through Salt, never waited on long."""

from flask import Blueprint, render_template

from sigmavault_panel.panel import panel

bp = Blueprint("dashboard", __name__)

READINGS = ("system", "host", "storage", "shares")


def snapshot() -> dict:
    services = panel()
    readings = services.reader.read(*READINGS)
    return {"readings": readings, "breaker": services.reader.breaker(), "job": services.runner.running(),
            "pillar": services.store.read()}


@bp.get("/")
def index():
    return render_template("dashboard/index.html", **snapshot())
