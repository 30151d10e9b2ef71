"""What the box is: system, disks, pools, datasets and shares (through Salt, cached), and declared domains."""

from flask import jsonify

from sigmavault.schema.errors import ROOT_KEY
from sigmavault.schema.loader import load_schema
from sigmavault_panel.api import bp
from sigmavault_panel.panel import panel

# Domains with capabilities of their own: the API shows what the pillar declares there and whether the
# schema defines keys for it yet (an undefined domain refuses every key).
DECLARED = ("compression", "encryption")      # agents have their own routes (api/agents.py)


def _reading(key: str) -> dict:
    return panel().reader.read(key)[key].as_dict()


@bp.get("/system")
def system():
    readings = panel().reader.read("system", "host")
    host = readings["host"].as_dict()
    host["value"] = {"hostname": host["value"]["hostname"]} if host["value"] else None
    return jsonify({"system": readings["system"].as_dict(), "host": host})


@bp.get("/storage/pools")
def storage_pools():
    return jsonify(_reading("storage"))


@bp.get("/shares")
def shares():
    return jsonify(_reading("shares"))


@bp.get("/storage/disks")
def storage_disks():
    host = _reading("host")
    host["value"] = host["value"]["disks"] if host["value"] else None
    return jsonify(host)


def _declared(domain: str):
    def view():
        declared = panel().store.read().sigmavault.get(domain) or {}
        defined = sorted(load_schema()[ROOT_KEY]["schema"][domain].get("schema") or {})
        note = (f"the pillar defines {', '.join(defined)} here" if defined else
                "this capability arrives later; the pillar refuses keys here until then")
        return jsonify({"domain": domain, "declared": declared, "available": bool(defined), "note": note})
    view.__name__ = f"{domain}_declared"
    return view


for _domain in DECLARED:
    bp.add_url_rule(f"/{_domain}", endpoint=_domain, view_func=_declared(_domain), methods=["GET"])
