"""The server-rendered screens: join, phone, table, console, projector, observer, cards."""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale

from facilitation import labels, qr
from facilitation.domain.errors import Refused
from facilitation.domain.roles import STAFF, Action, Role, allowed
from facilitation.messages import describe
from facilitation.reports.cards import join_url, online_links
from facilitation.services.codes import normal_code
from facilitation.web.exports import made
from facilitation.web.identity import (
    DEVICE_COOKIE,
    ONE_YEAR,
    device,
    event_args,
    others,
    principal,
    public_url,
    service,
)

bp = Blueprint("pages", __name__)


def _screen(template: str, token: str, who, **extra) -> str:
    """A screen opened by a secret: what its role may do (`can`, from the one permission table) shapes it."""
    can = sorted(action.value for action in Action if allowed(who.role, action))
    return render_template(template, token=token, role=who.role.value, can=can, plan=service().plan, **extra)


@bp.get("/")
def index():
    return render_template("index.html", plan=service().plan)


@bp.get("/join")
def join_picker():
    """Choose a table (or, with seat codes, type the code on your slip), or join online."""
    typed = request.args.get("code", "").strip()
    if typed:
        return redirect(url_for("pages.join", code=normal_code(typed) or "-"))
    settings = service().settings()
    return render_template(
        "join.html",
        plan=service().plan,
        tables=service().tables(),
        online_code=settings["online_code"],
        seat_codes=service().plan.tables.seat_codes,
    )


JOIN_REFUSAL_STATUS = {
    "unknown_join_code": 404,
    "table_full": 409,
    "online_full": 409,
    "too_many_joins": 429,
    "seat_code_needed": 403,
    "personal_link_needed": 403,
    "already_seated": 409,
    "phone_seats_taken": 409,
    "disk_full": 503,
    "busy": 503,
    "writer_away": 503,
}


@bp.app_template_global()
def table_label(table) -> str:
    """The table's name in the reader's language (facilitation.labels)."""
    return labels.table_label(service().plan, table.number, table.online, str(get_locale()))


@bp.get("/j/<code>")
def join(code: str):
    """The page a join link or QR code opens. It creates nobody: link previews and scanner apps fetch it too.
    A phone already at this table goes straight to its screen; any other submits the form below (by script)."""
    place, already_there = service().place(code, request.cookies.get(DEVICE_COOKIE))
    if place is None:
        abort(404)
    if already_there:
        return redirect(url_for("pages.phone"))
    if place.kind == "table" and service().plan.tables.seat_codes:
        return redirect(url_for("pages.join_picker"))  # the table's card admits nobody: type the slip's code
    return render_template(
        "enter.html",
        plan=service().plan,
        code=code,
        online=place.kind == "online",
        table_label=table_label(place.table) if place.table else "",
    )


@bp.post("/j/<code>")
def join_now(code: str):
    if not _same_origin():
        abort(403)
    try:
        token = service().join(code, request.cookies.get(DEVICE_COOKIE), request.remote_addr)
    except Refused as refused:
        status = JOIN_REFUSAL_STATUS.get(refused.code, 400)
        retry = url_for("pages.join", code=code) if status in (409, 429, 503) else None
        response = make_response(
            render_template("error.html", plan=service().plan, status=status, message=describe(refused), retry=retry),
            status,
        )
        if status in (429, 503):
            response.headers["Retry-After"] = "30"
        response.headers["X-Refusal"] = refused.code  # for scripts (`facilitation rehearse`): which refusal
        return response
    response = make_response(redirect(url_for("pages.phone"), code=303))
    response.set_cookie(DEVICE_COOKIE, token, max_age=ONE_YEAR, samesite="Lax", httponly=True, secure=_over_https())
    return response


def _over_https() -> bool:
    """Whether the phone reached us over HTTPS: directly, or through a tunnel or proxy that says so. A client
    cannot harm anyone by claiming it: a Secure cookie sent back over plain HTTP only loses its own sender."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.is_secure or forwarded == "https"


def _same_origin() -> bool:
    """A join posted by another site's page is refused. Browsers say where a form came from in Sec-Fetch-Site;
    Origin is "null" on our own pages (Referrer-Policy: no-referrer), so only a real other origin counts."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return True
    return origin.rstrip("/") in {request.host_url.rstrip("/"), public_url()}


@bp.get("/me")
def phone():
    who = device()
    if who is None or who.role is not Role.PARTICIPANT:
        return redirect(url_for("pages.join_picker"))
    table = service().table(who.table_id)
    # The device token is already in an HttpOnly cookie, which the socket handshake carries by itself.
    return _screen("phone.html", "", who, table=table)


@bp.get("/table/<token>")
def table(token: str):
    who = principal(token, Role.SCRIBE)
    table = service().table(who.table_id)
    return _screen("table.html", token, who, table=table, join=join_url(public_url(), table.join_code))


@bp.get("/console/<token>")
def console(token: str):
    who = principal(token, *STAFF)
    settings = service().settings() if who.role is Role.FACILITATOR else {}
    return _screen(
        "console.html",
        token,
        who,
        settings=settings,
        base=public_url(),
        tables=service().tables() if who.role is Role.FACILITATOR else [],
        other_events=others() if who.role is Role.FACILITATOR else [],
    )


@bp.get("/observer/<token>")
def observer(token: str):
    return console(token)


@bp.get("/projector/<token>")
def projector(token: str):
    # Only the projector's own token: a staff token would stream hidden results onto the room's screen.
    who = principal(token, Role.PROJECTOR)
    base = public_url()
    join_url = base + url_for("pages.join_picker", **event_args())
    return _screen("projector.html", token, who, join_url=join_url, join_qr=qr.svg(join_url), base=base)


@bp.get("/cards/<token>")
def print_cards(token: str):
    """The table cards; with seat codes, a sheet of slips per table (`?unused=1`: only codes not yet used).
    Drawn by a worker process: a hall's seat codes are hundreds of QR codes."""
    principal(token, Role.FACILITATOR)
    return made("cards", base=public_url(), unused=request.args.get("unused") == "1").decode()


@bp.get("/cards/<token>/online.csv")
def online_link_list(token: str):
    """With seat codes, one personal link per online seat, to send one to each online participant."""
    principal(token, Role.FACILITATOR)
    if not service().plan.tables.personal_online_links:
        abort(404)
    response = make_response(online_links(service(), public_url()))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{service().plan.event.id}-online-links.csv"'
    return response


def _join_link(code: str) -> str:
    """The join URL a QR image encodes: only of a code the event has (a table's, a seat's, the online link),
    so that drawing one cannot be asked for at will."""
    if not code.isalnum() or len(code) > 16 or service().place(code)[0] is None:
        abort(404)
    return join_url(public_url(), code)


@bp.get("/qr/<code>.svg")
def join_qr(code: str):
    return Response(qr.svg(_join_link(code)), mimetype="image/svg+xml")


@bp.get("/qr/<code>.png")
def join_qr_png(code: str):
    return Response(qr.png(_join_link(code)), mimetype="image/png")


@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def not_found(exc):
    return render_template("error.html", status=exc.code), exc.code
