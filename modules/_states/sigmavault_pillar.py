"""State module: the first state of every highstate; with failhard it stops the run on a bad pillar."""

__virtualname__ = "sigmavault_pillar"


def __virtual__():
    return __virtualname__


def validated(name: str) -> dict:
    report = __salt__["sigmavault_pillar.validate"]()
    if report["valid"]:
        return {"name": name, "result": True, "changes": {}, "comment": "pillar and disks are valid"}
    lines = [f"{e['path']}: {e['message']}" for e in report["errors"]]
    return {"name": name, "result": False, "changes": {},
            "comment": "pillar refused, nothing was changed:\n" + "\n".join(lines)}
