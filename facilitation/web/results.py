"""The report as a printable page for the staff and the committee (/report/<token>), and the public results
page (/results, no token) the facilitator switches on after the event: the same blocks as the PDF."""
from __future__ import annotations

import threading

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import get_locale, gettext

from facilitation.domain.roles import Action, allowed
from facilitation.i18n import translator
from facilitation.reports import content, export
from facilitation.store.models import Control
from facilitation.web.identity import principal, service

bp = Blueprint("results", __name__)
_cache_lock = threading.Lock()


def _render(public: bool, pdf_url: str | None = None) -> str:
    plan = service().plan
    lang = str(get_locale())
    data = export.collect(service(), lang)
    blocks = content.blocks(data, plan, translator(plan.event.languages, lang), public=public)
    title = gettext("What came of the event") if public else gettext("Report to the steering committee")
    return render_template("report.html", plan=plan, event=data["event"], blocks=blocks, public=public,
                           page_title=title, pdf_url=pdf_url)


@bp.get("/report/<token>")
def report_page(token: str):
    who = principal(token)
    if not allowed(who.role, Action.EXPORT):
        abort(403)
    return _render(False, url_for("exports.as_report", token=token))


@bp.get("/results")
def public_results():
    """Open to anyone once the facilitator publishes it; drawn again only when the event has changed."""
    with service().reading() as s:
        published = s.get(Control, 1).results_public
        version = service().version(s)
    if not published:
        return render_template("error.html", plan=service().plan, status=404,
                               message=gettext("The results are not published yet.")), 404
    key = (version, str(get_locale()))
    # (event version, language) -> the page: a crowd opening it costs one drawing per change of the event
    cache = current_app.extensions.setdefault("facilitation.results_page", {})
    with _cache_lock:
        page = cache.get(key)
    if page is None:
        page = _render(True)
        with _cache_lock:
            cache.clear()
            cache[key] = page
    return page
