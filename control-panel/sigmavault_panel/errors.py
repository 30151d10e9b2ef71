"""Errors as a sentence the owner reads: an HTML page, or JSON {"error": {"status", "message"}} for the API."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from sigmavault.pillar_text import MAX_DEPTH
from sigmavault.records import RecordDamaged

TITLES = {400: "Bad request", 401: "Sign in first", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Too large", 415: "Unsupported media type",
          422: "Refused", 428: "Precondition required", 429: "Too many requests", 500: "Something broke",
          503: "Unavailable"}


def refuse(status: int, message: str, **extra):
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"status": status, "message": message, **extra}})
    else:
        response = render_template("error.html", status=status, title=TITLES.get(status, "Error"),
                                   message=message)
    return response, status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return refuse(error.code or 500, error.description or TITLES.get(error.code, "error"))

    @app.errorhandler(RecordDamaged)
    def damaged_record(error: RecordDamaged):
        # The panel cannot serve what depends on the record until its owner repairs it: unavailable, not broken.
        app.logger.error("damaged record: %s", error)
        return refuse(503, str(error))

    @app.errorhandler(RecursionError)
    def too_deep(error: RecursionError):
        # JSON bodies and form field names are decoded recursively: hundreds of levels overflow the decoder.
        return refuse(400, "the request nests too deeply to be read (a JSON body or a form field name); "
                           f"a pillar needs at most {MAX_DEPTH} levels")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return refuse(500, "the panel hit an unexpected error; the details are in its log")
