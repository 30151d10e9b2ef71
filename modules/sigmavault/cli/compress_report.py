"""Text a NAS owner reads about compression jobs: progress, the end of a job, the job list, the stats."""

from collections.abc import Iterator

from sigmavault.compression.classes import LABELS, DataClass
from sigmavault.storage.sizes import human


def _label(cls: str) -> str:
    try:
        return LABELS[DataClass(cls)]
    except ValueError:
        return cls


def _saved(total: dict, kind: str = "archive") -> str:
    """Files, data and what it takes now; in place also the disk space freed (archives keep the originals)."""
    if not total.get("files"):
        return "nothing compressed"
    line = f"{total['files']} files, {human(total['bytes_in'])} of data now take {human(total['bytes_out'])}"
    if kind != "in_place":
        return f"{line} ({total['saved_percent']:.0f}% saved)"
    freed = total["bytes_before"] - total["bytes_out"]
    return f"{line} ({total['saved_percent']:.0f}% saved, {'freed' if freed >= 0 else 'used'} {human(abs(freed))})"


def started_line(event: dict) -> str:
    spec = event["spec"]
    what = {"archive": f"archive {spec['source']} into {spec['target']}",
            "in_place": f"recompress cold files of {spec['source']} in place",
            "restore": f"restore {spec['source']} into {spec['target']}"}[spec["kind"]]
    return f"job {event['job']} ({spec['name']}): {what}, profile {spec['profile']}, {event['priority']}"


def progress_line(event: dict) -> str:
    return (f"  {100 * event['fraction']:5.1f}%  {human(event['bytes_done'])} of {human(event['bytes_total'])}, "
            f"{event['files_done']}/{event['files_total']} files, {event['mbps']:.1f} MB/s")


def finished_lines(job: dict) -> Iterator[str]:
    head = f"job {job['id']} ({job['name']}, {job['kind']}) {job['state']}"
    if job["state"] != "done":
        yield f"{head}: {job.get('error') or 'no reason recorded'}"
        if job["kind"] == "in_place" and job["total"]["files"]:
            yield f"  before it stopped: {_saved(job['total'], job['kind'])}"
        return
    seconds = job.get("wall_seconds") or 0.0
    yield f"{head} in {seconds:.1f} s: {_saved(job['total'], job['kind'])}"
    for cls, stats in job["classes"].items():
        yield (f"  {_label(cls):<20} {stats['files']:>7} files  {human(stats['bytes_in']):>10} -> "
               f"{human(stats['bytes_out']):>10}  {stats['saved_percent']:5.1f}% saved")
    details = job.get("details", {})
    if details.get("archive"):
        yield f"  archive: {details['archive']}"
    if job["skipped"]:
        reasons = details.get("skipped") or {}
        listed = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        yield f"  left alone: {job['skipped']} files" + (f" ({listed})" if listed else "")


def job_lines(jobs: list[dict]) -> Iterator[str]:
    if not jobs:
        yield "no compression jobs yet (run one with `sigmavault compress run`)"
    for job in jobs:
        if job["state"] == "running":
            done = job["bytes_done"] / job["bytes_total"] if job["bytes_total"] else 0.0
            status = f"running {100 * done:.0f}% ({job['files_done']}/{job['files_total']} files)"
            if job["cancel_requested"]:
                status += ", cancelling"
        elif job["state"] == "done":
            status = f"done: {_saved(job['total'], job['kind'])}"
        else:
            status = f"{job['state']}: {job.get('error') or ''}".rstrip(": ")
        yield f"{job['id']}  {job['started']}  {job['name']} ({job['kind']})  {status}"


def stats_lines(report: dict) -> Iterator[str]:
    if not report["kinds"]:
        yield "no finished compression jobs yet"
        return
    for kind, block in report["kinds"].items():
        yield f"{kind}:"
        for cls, stats in block["classes"].items():
            yield (f"  {_label(cls):<20} {stats['files']:>7} files  {human(stats['bytes_in']):>10} -> "
                   f"{human(stats['bytes_out']):>10}  {stats['saved_percent']:5.1f}% saved  "
                   f"{stats['compress_mbps']:8.1f} MB/s")
        yield f"  {'all':<20} {_saved(block['total'], kind)}"
    yield f"overall ({report['jobs']} jobs): {_saved(report['total'])}"
