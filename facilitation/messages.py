"""Translated, human sentences for every refusal code the domain and the protocol use."""

from flask_babel import gettext

from facilitation.domain.errors import Refused


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated when used, in the reader's language."""
    return message


MESSAGES = {
    "forbidden": N_("Your role cannot do this."),
    "invalid_token": N_("This link is not valid for this event. Ask the facilitator for a new one."),
    "not_your_table": N_("You can only change the ideas of your own table."),
    "ideas_closed": N_("Idea collection is closed in this phase."),
    "timer_not_running": N_("The timer is not running."),
    "timer_not_paused": N_("The timer is not paused."),
    "text_too_short": N_("Write at least %(min)s characters."),
    "text_too_long": N_("The text is too long: %(length)s characters, at most %(max)s."),
    "unknown_axis": N_("Choose one of the plan's axes."),
    "idea_cap": N_(
        "You have added %(cap)s ideas in this phase, the most one phone or table may. Talk them over "
        "with your table, or improve one you wrote."
    ),
    "merge_into_itself": N_("An idea cannot be merged into itself."),
    "already_merged": N_("This idea has already been merged."),
    "merge_target_merged": N_("That idea was itself merged: choose the idea it was merged into."),
    "vote_not_open": N_("Voting is not open."),
    "message_needed": N_("Write the message to show the room."),
    "not_on_ballot": N_("This item is not on the ballot."),
    "no_dots_left": N_("You have used all your %(budget)s dots. Remove one to move it."),
    "item_cap_reached": N_("At most %(cap)s on the same item."),
    "whole_ballot_needed": N_("This round is not a dot vote: send your whole ballot at once."),
    "points_needed": N_("Share out your points among the items."),
    "points_must_total": N_("Share out exactly %(total)s points: you gave %(given)s."),
    "ranking_needed": N_("Rank your top %(n)s items in order."),
    "ranking_length": N_("Choose exactly %(n)s items, in order of preference."),
    "ranking_repeats": N_("An item can appear only once in your ranking."),
    "no_tie": N_("There is no tie at place %(place)s to run off."),
    "vote_not_closed": N_("Close this round before starting the next one."),
    "no_steps": N_("This phase has no rounds."),
    "unknown_step": N_("This phase has no such round."),
    "no_harvest": N_("The plan asks for no note of this round."),
    "no_dot_here": N_("You have no dot on this item."),
    "vote_already_open": N_("Voting is already open."),
    "vote_closed": N_('The vote is closed. To let participants change their dots again, choose "Reopen the vote".'),
    "ballot_too_small": N_("Put at least %(min)s themes on the ballot before opening the vote."),
    "ballot_frozen": N_("The ballot cannot change once voting has opened."),
    "unknown_idea": N_("This idea does not exist."),
    "unknown_question": N_("This question is not on the list."),
    "unknown_poll": N_("This poll does not exist."),
    "poll_not_open": N_("This poll is not open."),
    "poll_answer": N_("Choose one of the poll's answers."),
    "poll_options": N_("A poll needs between %(min)s and %(max)s answers to choose from."),
    "questions_closed": N_("Questions are closed right now."),
    "already_upvoted": N_("You already support this question."),
    "not_upvoted": N_("You had not supported this question."),
    "unknown_theme": N_("This theme does not exist."),
    "unknown_table": N_("This table does not exist."),
    "unknown_event": N_("No such event on this server."),
    "plan_field_locked": N_("%(field)s cannot be changed from the form."),
    "plan_text_long": N_("This text is too long (at most 2,000 characters)."),
    "invalid_plan": N_("The plan would not be valid: %(problem)s"),
    # the plan's form: the loader's rules (facilitation.plan), by pydantic's error type or the plan's own
    "plan_greater_than_equal": N_("At least %(ge)s."),
    "plan_less_than_equal": N_("At most %(le)s."),
    "plan_int_parsing": N_("A whole number, in digits."),
    "plan_int_type": N_("A whole number, in digits."),
    "plan_float_parsing": N_("A number, such as 12 or 7.5."),
    "plan_too_short": N_("At least %(min_length)s needed."),
    "plan_too_long": N_("At most %(max_length)s."),
    "plan_missing": N_("This is needed."),
    "plan_enum": N_("One of: %(expected)s."),
    "plan_string_pattern_mismatch": N_("This value does not have the expected form."),
    "plan_value": N_("This value cannot be used here."),
    "plan_text_missing": N_("Missing text in %(languages)s: every language needs one."),
    "plan_duplicate_id": N_("Two items have the same id: %(ids)s."),
    "plan_target_missing": N_("Give every one a target, or none (missing: %(ids)s)."),
    "plan_targets_sum": N_("The targets add up to %(total)s%%: they must add up to 100%%."),
    "plan_cap_over_budget": N_("The most on one item cannot be more than what each person has."),
    "plan_table_names": N_("%(given)s names for %(count)s tables: one name per line for each table, or none."),
    "plan_languages": N_("Languages are two-letter codes (it, en), separated by commas, the first one first."),
    "plan_color": N_("A colour as #rrggbb, for example #1f6fb2."),
    "plan_date": N_("A date as YYYY-MM-DD, or nothing."),
    "plan_words": N_("At most 500 words, each at most 100 characters."),
    # what the event's data holds on to (facilitation.planedit)
    "plan_locked_joined": N_("People have joined: this stays as their phones already show it."),
    "plan_locked_axis": N_("Ideas are filed under this axis: it stays (rename it instead)."),
    "plan_locked_choice": N_("People chose this: it stays (rename it instead)."),
    "plan_locked_table": N_(
        "A table or online group with people or ideas would move or go: tables can be added "
        "after it, and empty ones removed; or raise the headroom."
    ),
    "plan_locked_phase": N_(
        "This phase has begun: it keeps its place, kind and rounds (its texts and minutes can still change)."
    ),
    "plan_locked_voting": N_("A vote has opened: the voting rules stay (the console sets each new round's)."),
    "last_event": N_("This is the only event on this server: it cannot be deleted from here."),
    "event_exists": N_("There is already an event called %(event)s: choose another id."),
    "event_not_made": N_("The event %(event)s could not be made (is the disk full?): nothing was created, try again."),
    "unknown_participant": N_("This participant is not in the event (or was already taken out)."),
    "unknown_phase": N_("This phase is not in the agenda."),
    "theme_has_dots": N_("This theme has received dots and cannot be deleted."),
    "unknown_category": N_("Unknown participant category."),
    "unknown_zone": N_("Unknown zone."),
    "unknown_command": N_("Unknown request."),
    "too_large": N_("The request is too large."),
    "invalid_request": N_("The request is not valid."),
    "invalid_payload": N_("The request is not valid (check: %(fields)s)."),
    "id_reused": N_("This request id was already used for a different request."),
    "unknown_join_code": N_("This join code is not valid for this event: check the card on your table."),
    "table_full": N_("Table %(table)s is full. Ask a facilitator for a seat, or choose another table."),
    "online_full": N_("The online groups are full. Ask the facilitators to open more seats."),
    "too_many_joins": N_("Too many phones are joining from here at once: wait a few seconds and try again."),
    "seat_code_needed": N_("This event uses personal codes: type the code on your slip, or ask a facilitator."),
    "personal_link_needed": N_(
        "This event gives every online participant a personal link: open the one the "
        "organisers sent you, or ask them for one."
    ),
    "phone_seats_taken": N_(
        "This phone already holds %(seats)s seats at this event: one phone, one person. If your "
        "seat was lost, ask a facilitator to free it."
    ),
    "already_seated": N_("This phone has already joined with another code: one phone, one code."),
    "too_fast": N_("Too many requests at once: wait a few seconds and try again."),
    "disk_full": N_("The server could not save this: its disk is full. Nothing was changed. Tell the staff."),
    "busy": N_("The server is busy: nothing was changed. Try again in a moment."),
    "writer_away": N_("The server did not answer in time. Send it again: it will count once."),
    "import_newer_format": N_(
        "This export was written by a newer version of facilitation (format %(found)s; this "
        "one reads up to %(known)s). Update facilitation, then import again."
    ),
    "import_same_event": N_("This is this event's own export: import the listening event's export instead."),
    "import_unknown_axes": N_(
        "The export has ideas on axes this event's plan does not have (%(axes)s): use the same axis ids in both plans."
    ),
    "import_not_export": N_(
        "This file is not an event export of facilitation: download the listening event's "
        "JSON export from its console, or write it with `facilitation export --format json`."
    ),
    "reports_busy": N_(
        "The server is making many reports and exports right now: try again in a minute. The "
        "event itself is not affected."
    ),
    "report_failed": N_(
        "This report or export could not be made; the event itself is not affected. Try again, "
        "and tell the staff if it happens again."
    ),
    "assistant_busy": N_(
        "The suggestions cannot be made right now (the server is busy with reports): try again "
        "in a minute. The event itself is not affected."
    ),
    "assistant_failed": N_(
        "The suggestions could not be made; the event itself is not affected. Try again, and group by hand meanwhile."
    ),
    "server_error": N_("Something went wrong on the server; nothing was changed. Please try again."),
}


def describe(refused: Refused) -> str:
    template = MESSAGES.get(refused.code)
    if template is None and refused.code.startswith("plan_"):  # a rule of the plan this list does not word
        template = MESSAGES["plan_value"]
    if template is None:
        return gettext("Request refused (%(code)s).", code=refused.code)
    return gettext(template, **refused.params)


def error(refused: Refused) -> dict:
    return {"ok": False, "error": {"code": refused.code, "message": describe(refused)}}
