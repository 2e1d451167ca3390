"""The report as a printable page for the staff and the committee (/report/<token>), and the public results
page (/results, no token) the facilitator switches on after the event: the same blocks as the PDF.

A worker process draws each page (facilitation.workers); it is kept per event version and language, so a
crowd opening the public page in both languages costs one drawing per language per change of the event."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import get_locale, gettext

from facilitation.domain.roles import Action, allowed
from facilitation.i18n import translator
from facilitation.reports import content, export
from facilitation.services.presenter import public_report
from facilitation.web.exports import made
from facilitation.web.identity import principal, service

bp = Blueprint("results", __name__)


def draw(public: bool, pdf_url: str | None = None) -> str:
    """The page, drawn from the event as it is (in a worker process: see facilitation.workers.jobs)."""
    plan = service().plan
    lang = str(get_locale())
    data = export.collect(service(), lang)
    if public:  # what the public is shown of the event: the presenter's cut, the one place that decides it
        data = public_report(data)
    blocks = content.blocks(data, plan, translator(plan.event.languages, lang), public=public)
    title = gettext("What came of the event") if public else gettext("Report to the steering committee")
    return render_template(
        "report.html", plan=plan, event=data["event"], blocks=blocks, public=public, page_title=title, pdf_url=pdf_url
    )


@bp.get("/report/<token>")
def report_page(token: str):
    who = principal(token)
    if not allowed(who.role, Action.EXPORT):
        abort(403)
    return made("page", public=False, pdf_url=url_for("exports.download", token=token, name="report.pdf"))


PUBLIC_FRESH = 5.0  # seconds the public page may lag the room's dots (each a new version); never a reveal


@bp.get("/results")
def public_results():
    """Open to anyone once the facilitator publishes it."""
    published, stage = service().public_stage()
    if not published:
        return render_template(
            "error.html", plan=service().plan, status=404, message=gettext("The results are not published yet.")
        ), 404
    return made("page", fresh=PUBLIC_FRESH, stage=stage, public=True)
