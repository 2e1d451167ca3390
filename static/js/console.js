// The console: the facilitator runs the event, the theme team clusters, the observer watches (read-only).
import { connect, statusBar } from "./client.js";
import { ask } from "./dialogs.js";
import { alignmentBox, editInline, ideaItem, merging } from "./ideas.js";
import { $, $$, axisChip, count, currentPhase, fill, h, lang, loc, phaseTitle, plural, pollLabels, pollLetter, rankingItems, roundLabel, SCREENS, scoreText, screenFor, startClock, syncList, t, tableName, themeTitle, toast } from "./ui.js";

const role = document.body.dataset.role;
const canRun = role === "facilitator";
const canCluster = role === "facilitator" || role === "theme";
const showAlert = (alert) => {
  const box = $("#alert");
  box.textContent = t(`alert_${alert.code}`);
  box.hidden = false;
};
const { state, act, request } = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")), onAlert: showAlert });
startClock($("#clock"), () => state);
let filtersReady = false;
let peopleTable = null, peopleShown = null; // the table whose participants the facilitator opened, and how many
const MAX_SHOWN = 400; // newest first; filters by axis or table reach the rest

function render(s) {
  if (!s.event) return;
  if (!filtersReady) setupFilters(s);
  const phase = currentPhase(s);
  $("#phase-title").textContent = phase ? phaseTitle(s) : t("no_phase");
  const vote = s.control.vote;
  $("#vote-state").textContent = `${vote.state === "open" ? t("vote_open") : vote.state === "closed" ? t("vote_closed") : t("vote_not_open")}${vote.revealed ? " · " + t("results") + " ✓" : ""}`;
  $("#vote-round").textContent = roundLabel(vote);
  const st = s.stats || {};
  const stat = (n, one, many) => h("span", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#stats"), stat(st.participants, "participant", "participants"), stat(st.online, "online", "online"),
    stat(st.ideas, "idea", "ideas"), hasVote(s) ? stat(st.voters, "voter", "voters") : null);
  renderControls(s);
  renderProjector(s);
  renderGlance(s);
  renderQuestions(s);
  renderPolls(s);
  renderAlignments(s);
  renderHarvests(s);
  renderSeats(s);
  renderAgenda(s);
  renderIdeas(s);
  renderThemes(s);
  renderTally(s);
  if (pairs.length) renderSuggestions(); // ideas that came after the suggestions, or merged since, show at once
}

function renderGlance(s) {
  const now = screenFor(s);
  $("#glance-projector").textContent = `${t("on_projector")}: ${t(`screen_${now}`)}`;
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  const top = (s.tally?.ranking || []).slice(0, 3).map((p) => `${p.rank}. ${themeTitle(themes.get(p.theme))} (${p.dots})`);
  $("#glance-ranking").textContent = top.length && s.tally.dots ? `${t("ranking")}: ${top.join(" · ")}` : "";
}

// What the room sees right now, and (facilitator) the choice of what it sees: one button per screen.
function renderProjector(s) {
  const chosen = s.control.projector?.screen || "auto";
  const now = screenFor(s);
  const hidden = now === "results" && !s.control.vote.revealed;
  $("#projector-now").textContent = `${t(`screen_${now}`)}${chosen === "auto" ? ` · ${t("screen_auto")}` : ""}${hidden ? ` · ${t("results_not_revealed")}` : ""}`;
  const box = $("#screens");
  if (!box) return;
  syncList(box, SCREENS, {
    key: (name) => name,
    signature: (name) => `${name}|${name === chosen}`,
    render: (name) => h("button", { type: "button", class: `screen-choice${name === chosen ? " chosen" : ""}`, "aria-pressed": String(name === chosen),
      "data-screen": name, onclick: () => {
        if (name === "message" && !s.control.projector?.message && !$("#room-message").value.trim()) return $("#room-message").focus();
        act("projector.show", name === "message" && $("#room-message").value.trim() ? { screen: name, message: $("#room-message").value } : { screen: name });
      } }, t(`screen_${name}`)),
  });
  const input = $("#room-message");
  if (document.activeElement !== input && !input.dataset.edited) input.value = s.control.projector?.message || "";
}

$("#room-message")?.addEventListener("input", (e) => { e.target.dataset.edited = "1"; });
$("#message-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $("#room-message");
  const ack = await act("projector.show", { screen: "message", message: input.value });
  if (ack.ok) delete input.dataset.edited;
});

// Who is in the room against the plan's targets. A group is flagged when it is 5 points or more under its
// target, once at least 10 people told their profile (fewer would flag noise).
const GAP_POINTS = 5, MIN_ANSWERS = 10;
function crowdGaps(crowd) {
  if (!crowd) return [];
  const gaps = [];
  for (const [name, list] of [["categories", state.event.categories], ["zones", state.event.zones]]) {
    const part = crowd[name];
    if (!part || part.answered < MIN_ANSWERS) continue;
    for (const g of part.groups) {
      if (g.target != null && g.share != null && g.share <= g.target - GAP_POINTS) {
        gaps.push({ ...g, label: loc(list.find((c) => c.id === g.id)?.name) });
      }
    }
  }
  return gaps;
}

function renderCrowd(s, crowd) {
  const box = $("#crowd");
  if (!box || !crowd) return;
  const flagged = new Set(crowdGaps(crowd).map((g) => g.id));
  const table = (name, list, caption) => {
    const part = crowd[name];
    if (!list.length) return null;
    const withTargets = part.groups.some((g) => g.target != null);
    return h("table", { class: "crowd-table" },
      h("caption", {}, `${caption} · ${part.answered} / ${crowd.people} ${t("crowd_answered")}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), h("th", { scope: "col" }, t("crowd_joined")), h("th", { scope: "col" }, "%"),
        withTargets ? h("th", { scope: "col" }, t("crowd_target")) : null)),
      h("tbody", {}, part.groups.map((g) => h("tr", { class: flagged.has(g.id) ? "short" : "" },
        h("th", { scope: "row" }, loc(list.find((c) => c.id === g.id)?.name), flagged.has(g.id) ? " ⚠" : ""),
        h("td", {}, g.joined), h("td", {}, g.share == null ? "—" : `${g.share}%`),
        withTargets ? h("td", {}, g.target == null ? "—" : `${g.target}%`) : null))));
  };
  const key = JSON.stringify(crowd);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  fill(box, h("h3", {}, t("crowd_title")), h("div", { class: "crowd-tables" },
    table("categories", s.event.categories, t("crowd_categories")), table("zones", s.event.zones, t("crowd_zones"))));
}

// Polls: create, open (one at a time), close, show the results to the room; results are live for staff.
function renderPolls(s) {
  const list = s.polls || [];
  const open = list.find((p) => p.state === "open");
  $("#polls-summary").textContent = `${t("polls")}${open ? `: ${open.question} (${t("poll_open")})` : ` (${list.length})`}`;
  syncList($("#poll-list"), [...list].reverse(), {
    key: (p) => p.id,
    render: (p) => {
      const labels = pollLabels(p);
      return h("li", { class: `poll ${p.state}` },
        h("p", {}, h("strong", {}, p.question), " ", h("span", { class: "badge" }, t(`poll_${p.state}`)),
          p.revealed ? h("span", { class: "badge ok" }, t("results")) : null,
          p.results ? h("span", { class: "muted" }, ` ${p.results.answers} ${t("people_answered")}${p.results.mean != null ? ` · ${t("mean")} ${p.results.mean}` : ""}`) : null),
        p.results ? h("ol", { class: "ranking" }, rankingItems(labels.map((label, i) => ({ rank: pollLetter(p, i), label,
          share: p.results.shares[i], score: p.results.counts[i] })), "wide")) : null,
        canRun ? h("div", { class: "actions" },
          p.state !== "open" ? h("button", { class: p.state === "draft" ? "primary" : "", "data-focus-key": `popen-${p.id}`, onclick: () => act("poll.change", { poll: p.id, state: "open" }) }, t("open_poll")) : null,
          p.state === "open" ? h("button", { class: "primary", "data-focus-key": `pclose-${p.id}`, onclick: () => act("poll.change", { poll: p.id, state: "closed" }) }, t("close_poll")) : null,
          p.state !== "draft" ? h("button", { "data-focus-key": `preveal-${p.id}`, onclick: () => act("poll.change", { poll: p.id, revealed: !p.revealed }) }, p.revealed ? t("hide_results") : t("reveal")) : null) : null);
    },
    empty: () => h("li", { class: "muted" }, "—"),
  });
}

$("#poll-kind")?.addEventListener("change", (e) => { $("#poll-options").disabled = e.target.value === "scale"; });
$("#poll-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const options = form.kind.value === "scale" ? [] : form.options.value.split("\n").map((x) => x.trim()).filter(Boolean);
  const ack = await act("poll.create", { question: form.question.value, kind: form.kind.value, options });
  if (ack.ok) { form.question.value = ""; form.options.value = ""; }
});

// The map of marks against the zones' local plans: zones by axis, each cell counting ✓ ≈ ✗.
function renderAlignments(s) {
  const box = $("#alignment-map");
  if (!box) return;
  const marks = s.alignments || [];
  const key = JSON.stringify([marks, s.themes.map((x) => [x.id, x.axis])]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  $("#alignment-summary").textContent = `${t("alignment_title")} (${marks.length})`;
  const axisOfMark = (m) => (m.idea ? s.ideas.get(m.idea)?.axis : s.themes.find((x) => x.id === m.theme)?.axis) || "";
  const cell = (zone, axis) => {
    const here = marks.filter((m) => m.zone === zone && axisOfMark(m) === axis);
    const count = (v) => here.filter((m) => m.verdict === v).length;
    return here.length ? `✓${count("aligned")} ≈${count("partly")} ✗${count("misaligned")}` : "";
  };
  fill(box, marks.length ? h("table", { class: "crowd-table alignment-map" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("zone")), s.event.axes.map((a, i) => h("th", { scope: "col", title: loc(a.name) }, `${i + 1}`)))),
    h("tbody", {}, s.event.zones.filter((z) => marks.some((m) => m.zone === z.id)).map((z) => h("tr", {},
      h("th", { scope: "row" }, loc(z.name)), s.event.axes.map((a) => h("td", {}, cell(z.id, a.id)))))))
    : h("p", { class: "muted" }, t("alignment_none")));
}

// Questions: open or close them, choose pre-moderation, and moderate each (approve, hide, pin, answered).
const canModerate = role === "facilitator" || role === "theme";
function renderQuestions(s) {
  const list = s.questions || [];
  const qa = s.control.qa || {};
  const pending = list.filter((q) => q.status === "pending").length;
  $("#qa-summary").textContent = `${t("questions")}: ${qa.open ? t("qa_open") : t("qa_closed")} · ${list.filter((q) => q.status === "shown").length} ${t("shown")}`
    + (pending ? ` · ${pending} ${t("to_approve")}` : "");
  if (pending && !$("#qa-box").dataset.opened) { $("#qa-box").open = true; $("#qa-box").dataset.opened = "1"; }
  if ($("#qa-open")) {
    $("#qa-open").disabled = qa.open;
    $("#qa-close").disabled = !qa.open;
    $("#qa-open").classList.toggle("primary", !qa.open);
    $("#qa-premoderated").checked = qa.premoderated;
  }
  syncList($("#qa-list"), list, {
    key: (q) => q.id,
    render: (q) => h("li", { class: `question ${q.status}${q.answered ? " answered" : ""}${q.pinned ? " pinned" : ""}` },
      h("div", { class: "question-body" },
        h("p", {}, q.pinned ? h("span", { class: "badge" }, t("pinned")) : "", " ", q.text),
        h("span", { class: "question-meta" }, `▲ ${q.votes} · ${q.name || t("anonymous")}${q.table ? ` · ${tableName(s.event, q.table)}` : ""}`,
          q.status !== "shown" ? h("span", { class: "badge" }, t(`qstatus_${q.status}`)) : null,
          q.answered ? h("span", { class: "badge ok" }, `${t("answered")}${q.speaker ? `: ${q.speaker}` : ""}`) : null)),
      canModerate ? h("div", { class: "actions" },
        q.status !== "shown" ? h("button", { class: "primary", "data-focus-key": `show-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, status: "shown" }) }, q.status === "pending" ? t("approve") : t("show")) : null,
        q.status === "hidden" ? null : h("button", { "data-focus-key": `hideq-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, status: "hidden" }) }, t("hide")),
        h("button", { "data-focus-key": `pin-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, pinned: !q.pinned }) }, q.pinned ? t("unpin") : t("pin")),
        h("button", { "data-focus-key": `answered-${q.id}`, onclick: (e) => q.answered ? act("qa.moderate", { question: q.id, answered: false })
          : editInline(e.target.closest("li").querySelector(".question-meta"), "", (speaker) => act("qa.moderate", { question: q.id, answered: true, speaker }),
            { allowEmpty: true, placeholder: t("who_answered") }) }, q.answered ? t("not_answered") : t("mark_answered"))) : null),
    empty: () => h("li", { class: "muted" }, t("no_questions")),
  });
}

$("#qa-open")?.addEventListener("click", () => act("qa.set", { open: true }));
$("#ideas-premoderated")?.addEventListener("change", (e) => act("ideas.moderation", { premoderated: e.target.checked }));
$("#qa-close")?.addEventListener("click", () => act("qa.set", { open: false }));
$("#qa-premoderated")?.addEventListener("change", (e) => act("qa.set", { premoderated: e.target.checked }));
$("#qa-staff-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const ack = await act("qa.ask", { text: e.target.text.value });
  if (ack.ok) e.target.text.value = "";
});

// Phones joined per table against its capacity; a table with a burst of joins or refused joins is flagged,
// because one person minting voters shows up there first.
function renderSeats(s) {
  const seats = s.seats;
  if (!seats) return;
  const joined = seats.tables.reduce((n, x) => n + x.joined, 0);
  const places = seats.tables.reduce((n, x) => n + x.capacity, 0);
  const flagged = seats.tables.filter((x) => x.burst).length;
  const missing = crowdGaps(seats.crowd);
  $("#seats-summary").textContent = `${t("seats")}: ${joined} / ${places}` + (flagged ? ` · ⚠ ${flagged} ${t("seats_check")}` : "")
    + (seats.online_refused ? ` · ${seats.online_refused} ${t("seats_refused_online")}` : "")
    + (missing.length ? ` · ⚠ ${t("crowd_missing")}: ${missing.slice(0, 2).map((g) => g.label).join(", ")}${missing.length > 2 ? ` +${missing.length - 2}` : ""}` : "");
  renderCrowd(s, seats.crowd);
  const box = $("#seats-box");
  if (flagged && !box.dataset.opened) { box.open = true; box.dataset.opened = "1"; }
  const headroom = $("#headroom");
  if (headroom && document.activeElement !== headroom) headroom.value = seats.headroom;
  syncList($("#seats"), seats.tables, {
    key: (x) => x.id,
    signature: (x) => JSON.stringify(x),
    render: (x) => {
      const title = `${x.joined} / ${x.capacity} ${t("seats_places")} · ${x.last_minute} ${t("seats_last_minute")} · ${x.refused} ${t("seats_refused")}${x.burst ? " · " + t("seats_burst") : ""}`;
      const label = [h("b", {}, tableName(s.event, x.id)), ` ${x.joined}/${x.capacity}`, x.burst ? " ⚠" : ""];
      return h("li", { class: `seat${x.burst ? " burst" : ""}${x.joined >= x.capacity ? " full" : ""}`, title },
        canRun ? h("button", { class: "seat-open", "aria-expanded": String(peopleTable === x.id), onclick: () => showPeople(x.id) }, ...label) : label);
    },
  });
  if (peopleTable !== null && seats.tables.find((x) => x.id === peopleTable)?.joined !== peopleShown) showPeople(peopleTable);
}

// A table flagged for too many joins: who joined there (participant numbers, never names), newest first, and
// for the facilitator a way to take out a phantom (one device minting voters), with its dots and answers.
async function showPeople(tableId) {
  peopleTable = tableId;
  const box = $("#seat-people");
  const reply = await request("participants", { table: tableId });
  if (peopleTable !== tableId) return;
  if (!reply.ok) { fill(box, h("p", { class: "muted" }, reply.error?.message || t("no_connection"))); return; }
  peopleShown = reply.participants.length;
  const when = (at) => new Date(at * 1000).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  fill(box,
    h("h3", {}, `${tableName(state.event, tableId)} · ${count(reply.participants.length, "participant", "participants")}`),
    reply.participants.length
      ? h("ul", { class: "people" }, ...reply.participants.map((p) => h("li", {},
        h("span", {}, `#${p.participant} · ${t("joined_at")} ${when(p.joined_at)} · ${scoreText(state.tally?.method || "dots", p.dots)} · ${count(p.ideas, "idea", "ideas")}${p.proxied ? ` · ${t("paper_ballot")}` : ""}`),
        h("button", { class: "danger", onclick: () => removePerson(p) }, t("remove_participant")))))
      : h("p", { class: "muted" }, t("no_participants")),
    h("p", { class: "hint" }, t("remove_participant_hint")));
}

async function removePerson(p) {
  const body = t("ask_remove_participant_body");
  if (!(await ask({ title: `${t("remove_participant")}: #${p.participant}`, body, confirm: t("remove_participant"), danger: true }))) return;
  const ack = await act("participant.remove", { participant: p.participant });
  if (ack.ok) toast(t("participant_removed").replace("{n}", p.participant).replace("{dots}", ack.dots), "ok");
  if (peopleTable !== null) showPeople(peopleTable);
}

// An event without a vote in its agenda (a listening day) shows no vote until one is opened anyway.
const hasVote = (s) => s.event.agenda.some((p) => p.kind === "voting") || s.control.vote.state !== "not_open" || s.control.vote.round > 1;

// The agenda's next step: the next round of the current phase, else the next phase (null at the end).
function nextStep(s) {
  const agenda = s.event.agenda;
  const index = s.control.phase;
  const phase = agenda[index];
  const round = (s.control.step ?? -1) + 1;
  if (phase && round < phase.steps.length) {
    const step = phase.steps[round];
    return { phase: index, step: round, title: `${loc(phase.title)} · ${loc(step.title)}`, minutes: step.minutes };
  }
  const next = index == null ? 0 : index + 1;
  return next < agenda.length ? { phase: next, step: null, title: loc(agenda[next].title), minutes: agenda[next].minutes } : null;
}
const runStep = (next) => (next.step == null ? startPhase(state.event.agenda[next.phase], next.phase) : startRoundAt(next.step));
// The vote's buttons lead while the vote is the business of the moment; otherwise the agenda's next step does.
// The vote leads while it has a next step of its own: open it (in the vote's phases), close it, reveal it. Once its
// results are out, the agenda's next step leads again.
const voteLeads = (s) => {
  const vote = s.control.vote;
  if (vote.state === "not_open") return ["voting", "results"].includes(currentPhase(s)?.kind);
  return vote.state === "open" || !vote.revealed;
};

function renderAgenda(s) {
  const next = nextStep(s);
  const phases = s.event.agenda.map((phase, index) => ({ phase, index, current: index === s.control.phase, step: index === s.control.phase ? s.control.step : null,
    next: next?.step == null && next?.phase === index, lead: !voteLeads(s) }));
  syncList($("#agenda"), phases, {
    key: (x) => x.index,
    render: ({ phase, index, current, step, next: isNext, lead }) => h("li", { class: current ? "current" : isNext ? "next" : "", "aria-current": current ? "step" : false },
      h("span", {}, `${loc(phase.title)} · ${phase.minutes} ${t("min")}`),
      // The current phase is marked, not a button: a stray click must not restart its timer.
      current ? h("span", { class: "badge ok" }, t("current"))
        : isNext ? h("span", { class: "next-start" }, h("span", { class: "badge" }, t("next")),
          canRun ? h("button", { class: lead ? "primary" : "", "data-focus-key": `phase-${index}`, onclick: () => startPhase(phase, index) }, t("start")) : null)
          : canRun ? h("button", { "data-focus-key": `phase-${index}`, onclick: () => startPhase(phase, index) }, t("start")) : null,
      // Its rounds (World Café, 1-2-4-All, a round table by axis), each on its own timer; the next one is the primary button.
      current && phase.steps.length ? h("ol", { class: "steps" }, phase.steps.map((x, n) => h("li", { class: n === step ? "current" : "" },
        h("span", {}, `${loc(x.title)} · ${x.minutes} ${t("min")}${x.harvest ? ` · ${t("with_note")}` : ""}`),
        n === step ? h("span", { class: "badge ok" }, t("current"))
          : canRun ? h("button", { class: n === (step ?? -1) + 1 ? "primary" : "", "data-focus-key": `step-${n}`, onclick: () => startRoundAt(n) }, t("start")) : null))) : null),
  });
}

// The tables' notes of each round, for the theme team: by phase and round, table by table.
function renderHarvests(s) {
  const notes = s.harvests || [];
  $("#harvest-summary").textContent = `${t("harvests")} (${notes.length})`;
  const groups = [];
  for (const phase of s.event.agenda) {
    phase.steps.forEach((step, n) => {
      const here = notes.filter((x) => x.phase === phase.id && x.step === n);
      if (here.length) groups.push(h("div", { class: "group" }, h("h3", {}, `${loc(phase.title)} · ${loc(step.title)}`),
        h("ul", { class: "harvest-list" }, here.map((x) => h("li", {}, h("strong", {}, tableName(s.event, x.table)), " ", x.text)))));
    });
  }
  fill($("#harvests"), groups.length ? groups : h("p", { class: "muted" }, t("no_harvests")));
}

// A round at tables restarts the timer and moves every table on, as a phase does: confirmed in the page too.
async function startRoundAt(n) {
  const step = currentPhase(state)?.steps[n];
  if (!step) return;
  const body = t("ask_step_body").replace("{minutes}", step.minutes);
  if (await ask({ title: `${t("start")}: ${loc(step.title)}`, body, confirm: t("start") })) act("phase.step", { step: n });
}

async function startPhase(phase, index) {
  const body = `${t("ask_phase_body").replace("{minutes}", phase.minutes)}${state.control.vote.state === "open" ? ` ${t("ask_phase_vote_open")}` : ""}`;
  if (await ask({ title: `${t("start")}: ${loc(phase.title)}`, body, confirm: t("start") })) act("phase.start", { phase: index });
}

// Only what is possible now is enabled, and the next step of the vote is the primary button.
function renderControls(s) {
  if (!canRun) return;
  const next = nextStep(s);
  const lead = !voteLeads(s);
  $("#next-step").hidden = !next;
  if (next) {
    $("#next-title").textContent = `${next.title} · ${next.minutes} ${t("min")}`;
    const start = $("#next-start");
    start.textContent = t("start");
    start.classList.toggle("primary", lead);
    start.onclick = () => runStep(nextStep(state));
  }
  $("#vote-box").hidden = !hasVote(s);
  const timer = s.control.timer || {};
  const running = timer.ends_at != null, paused = timer.paused_left != null;
  $("#timer-pause").disabled = !running;
  $("#timer-resume").disabled = !paused;
  $("#timer-plus").disabled = $("#timer-minus").disabled = !running && !paused;
  const vote = s.control.vote;
  const buttons = { open: $("#vote-open"), reopen: $("#vote-reopen"), close: $("#vote-close"), reveal: $("#vote-reveal"), hide: $("#vote-hide") };
  buttons.open.hidden = vote.state === "closed";
  buttons.reopen.hidden = vote.state !== "closed";
  buttons.open.disabled = vote.state !== "not_open";
  buttons.close.disabled = vote.state !== "open";
  buttons.reveal.disabled = vote.state !== "closed" || vote.revealed;
  buttons.hide.disabled = !vote.revealed;
  const voteNext = lead ? null : vote.state === "not_open" ? buttons.open : vote.state === "open" ? buttons.close : !vote.revealed ? buttons.reveal : null;
  for (const button of Object.values(buttons)) button.classList.toggle("primary", button === voteNext);
  // The method is chosen before the round opens; the next round is started once this one is closed.
  $("#method-row").hidden = vote.state !== "not_open";
  if (document.activeElement !== $("#vote-method")) $("#vote-method").value = vote.method;
  const form = $("#next-round");
  form.hidden = vote.state !== "closed";
  // The next round's method starts as this round's, once, when the round closes: an update arriving while the
  // facilitator is choosing must not put it back.
  const closedRound = vote.state === "closed" ? String(vote.round) : "";
  if (closedRound !== (form.dataset.round ?? "")) {
    form.dataset.round = closedRound;
    if (closedRound) $("#next-method").value = vote.method;
  }
  $("#next-n").hidden = $("#next-ballot").value === "same";
  // Ties in the closed round, each a one-click run-off.
  const ties = vote.state === "closed" && s.tally ? tiedPlaces(s.tally.ranking) : [];
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  fill($("#ties"), ties.map(({ rank, items }) => h("button", { type: "button", class: "ghost small", "data-focus-key": `tie-${rank}`,
    onclick: () => startRound({ ballot: "tie", n: rank, method: $("#next-method").value }) },
    `${t("run_off")} · ${t("place")} ${rank}: ${items.map((id) => themeTitle(themes.get(id))).join(" / ")}`)));
}

// Places shared by two items or more (competition ranks: 1, 2, 2, 4), among items that got something.
function tiedPlaces(ranking) {
  const byRank = new Map();
  for (const p of ranking) if (p.dots > 0) byRank.set(p.rank, [...(byRank.get(p.rank) || []), p.theme]);
  return [...byRank].filter(([, items]) => items.length > 1).map(([rank, items]) => ({ rank, items }));
}

async function startRound(payload) {
  const body = t("ask_round_body").replace("{ballot}", payload.ballot === "top" ? `${t("the_top")} ${payload.n}` : payload.ballot === "tie" ? `${t("a_run_off")} ${payload.n}` : t("the_same_ballot"));
  if (!(await ask({ title: t("ask_round_title"), body, confirm: t("ask_round_confirm") }))) return;
  act("vote.next", payload);
}

$("#vote-method")?.addEventListener("change", (e) => act("vote.setup", { method: e.target.value }));
$("#next-ballot")?.addEventListener("change", (e) => ($("#next-n").hidden = e.target.value === "same"));
$("#next-round")?.addEventListener("submit", (e) => {
  e.preventDefault();
  const form = e.target;
  startRound({ ballot: form.ballot.value, n: Number(form.n.value) || 1, method: form.method.value });
});

const ASKS = {
  close: () => ({ title: t("ask_close_title"), body: `${t("ask_close_body")} ${state.stats?.voters ?? 0} / ${state.stats?.participants ?? 0} ${t("have_voted")}.`, confirm: t("ask_close_confirm") }),
  reveal: () => ({ title: t("ask_reveal_title"), body: t("ask_reveal_body"), confirm: t("ask_reveal_confirm") }),
  reopen: () => ({ title: t("ask_reopen_title"), body: t("ask_reopen_body"), confirm: t("ask_reopen_confirm"), danger: true }),
};

document.addEventListener("merging", () => renderIdeas(state));

$("#headroom-form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  act("seats.headroom", { seats: Number($("#headroom").value) });
});

function setupFilters(s) {
  filtersReady = true;
  fill($("#filter-axis"), h("option", { value: "" }, t("all_axes")), s.event.axes.map((a, i) => h("option", { value: a.id }, `${i + 1} · ${loc(a.name)}`)));
  fill($("#filter-table"), h("option", { value: "" }, t("all_tables")), s.event.tables.map((x) => h("option", { value: x.id }, tableName(s.event, x.id))));
  for (const id of ["#filter-axis", "#filter-table", "#filter-gone", "#filter-held"]) $(id).addEventListener("change", () => renderIdeas(state));
  $("#filter-text").addEventListener("input", () => renderIdeas(state));
  if ($("#group-target")) setupSelection();
  const dims = ["overall", "by_axis", "by_table", "by_channel", "by_category", "by_zone", "by_round"];
  fill($("#breakdown"), dims.map((d) => h("option", { value: d }, t(d))));
  $("#breakdown").addEventListener("change", () => renderTally(state));
}

// The ideas the theme team has ticked, to group them at once.
const selected = new Set();

function shownIdeas(s) {
  const axis = $("#filter-axis").value;
  const table = Number($("#filter-table").value) || null;
  const showGone = $("#filter-gone").checked;
  const onlyHeld = $("#filter-held").checked;
  const words = $("#filter-text").value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return [...s.ideas.values()].filter((i) => (!axis || i.axis === axis) && (!table || i.table === table) && (showGone || !i.gone || i.held)
    && (!onlyHeld || (i.held && !i.hidden && !i.merged_into)) && words.every((w) => (i.text || "").toLocaleLowerCase().includes(w) || `#${i.id}` === w))
    .sort((a, b) => b.id - a.id);
}

function renderIdeas(s) {
  const ideas = shownIdeas(s);
  const shown = Math.min(ideas.length, MAX_SHOWN);
  const held = [...s.ideas.values()].filter((i) => i.held && !i.hidden && !i.merged_into).length;
  // the filter is offered while ideas wait, and stays (ticked, with none left) until the moderator unticks it
  const onlyHeld = $("#filter-held");
  $("#filter-held-box").hidden = !held && !onlyHeld.checked;
  $("#filter-held-label").textContent = held === 1 ? t("only_to_approve_one") : t("only_to_approve").replace("{n}", held);
  $("#idea-count").textContent = (shown < ideas.length ? `(${shown} / ${ideas.length} · ${t("filter_to_see_more")})` : `(${ideas.length})`)
    + (held ? ` · ${held} ${t("to_approve")}` : "");
  const pre = $("#ideas-premoderated");
  if (pre) pre.checked = Boolean(s.control.ideas_premoderated);
  const published = $("#results-public");
  if (published) published.checked = Boolean(s.control.results_public);
  const themes = canCluster ? s.themes : [];
  const themeNames = JSON.stringify(themes.map((x) => [x.id, x.title]));
  for (const id of [...selected]) if (!s.ideas.get(id) || s.ideas.get(id).gone) selected.delete(id);
  syncList($("#ideas"), ideas.slice(0, MAX_SHOWN), {
    key: (idea) => idea.id,
    signature: (idea) => JSON.stringify(idea) + themeNames + merging.from + selected.has(idea.id),
    render: (idea) => ideaItem(idea, { event: s.event, act, readOnly: !canCluster, themes,
      selected: canCluster && !idea.gone ? selected.has(idea.id) : undefined, onSelect: (on) => { if (on) selected.add(idea.id); else selected.delete(idea.id); renderSelection(state); } }),
    empty: () => h("li", { class: "muted" }, t("no_ideas")),
  });
  renderSelection(s);
  renderTableCounts(s);
}

function renderSelection(s) {
  const bar = $("#selection-bar");
  if (!bar) return;
  bar.hidden = selected.size === 0;
  $("#selected-count").textContent = `${selected.size} ${t("selected")}`;
  const visible = shownIdeas(s).filter((i) => !i.gone).slice(0, MAX_SHOWN);
  $("#select-all").checked = visible.length > 0 && visible.every((i) => selected.has(i.id));
  const target = $("#group-target");
  const wanted = JSON.stringify(s.themes.map((x) => [x.id, x.title]));
  if (target.dataset.themes !== wanted) {
    const keep = target.value;
    fill(target, h("option", { value: "" }, t("ungrouped")), s.themes.map((x) => h("option", { value: x.id }, `#${x.id} ${x.title}`)));
    target.value = keep;
    target.dataset.themes = wanted;
  }
  for (const box of $$("#ideas .select-idea")) box.checked = selected.has(Number(box.dataset.idea));
}

function setupSelection() {
  $("#select-all").addEventListener("change", (e) => {
    for (const idea of shownIdeas(state).filter((i) => !i.gone).slice(0, MAX_SHOWN)) {
      if (e.target.checked) selected.add(idea.id); else selected.delete(idea.id);
    }
    renderSelection(state);
  });
  $("#group-selected").addEventListener("click", async () => {
    const theme = $("#group-target").value ? Number($("#group-target").value) : null;
    const ack = await act("theme.group_many", { ideas: [...selected], theme });
    if (ack.ok) { selected.clear(); renderIdeas(state); }
  });
  $("#theme-from-selected").addEventListener("click", () => {
    $("#theme-title").focus();
    $("#theme-form").dataset.withSelection = "1";
    toast(t("theme_from_selection_hint"), "ok");
  });
  $("#clear-selected").addEventListener("click", () => { selected.clear(); renderIdeas(state); });
}

// Ideas per table: during capture, a table with phones joined and no idea for QUIET_MINUTES is flagged.
const QUIET_MINUTES = 10;
function renderTableCounts(s) {
  const counts = new Map(), last = new Map();
  for (const idea of s.ideas.values()) {
    if (idea.gone || idea.table == null) continue;
    counts.set(idea.table, (counts.get(idea.table) || 0) + 1);
    last.set(idea.table, Math.max(last.get(idea.table) || 0, idea.at || 0));
  }
  const phase = currentPhase(s);
  const capturing = phase?.kind === "capture";
  const now = Date.now() / 1000 + (s.clockOffset || 0);
  const started = (s.control.timer?.ends_at ?? now) - (phase?.minutes || 0) * 60; // near enough: the timer's start
  const joined = s.stats?.per_table || {};
  const rows = s.event.tables.filter((x) => counts.get(x.id) || joined[x.id]).map((x) => ({
    id: x.id, n: counts.get(x.id) || 0,
    quiet: capturing && joined[x.id] > 0 && now - Math.max(last.get(x.id) || 0, started) > QUIET_MINUTES * 60 }));
  // folded: a hall's thirty tables would fill the column above the ideas; the summary keeps the warning in view
  const quiet = rows.filter((row) => row.quiet).length;
  $("#table-counts-summary").textContent = `${t("ideas_per_table")} (${rows.length})${quiet ? ` · ⚠ ${t("quiet_tables").replace("{n}", quiet)}` : ""}`;
  syncList($("#table-counts"), rows, {
    key: (row) => row.id,
    render: (row) => h("li", {}, h("button", { type: "button", class: `table-count${row.quiet ? " quiet" : ""}`, "data-focus-key": `count-${row.id}`,
      title: row.quiet ? t("quiet_table") : "", onclick: () => { $("#filter-table").value = String(row.id); renderIdeas(state); } },
      `${tableName(s.event, row.id)}: ${row.n}${row.quiet ? " ⚠" : ""}`)),
  });
}

function renderThemes(s) {
  const ideasOf = (theme) => [...s.ideas.values()].filter((i) => i.theme === theme.id && !i.gone);
  const frozen = s.control.vote.state !== "not_open";
  syncList($("#themes"), s.themes, {
    key: (theme) => theme.id,
    signature: (theme) => JSON.stringify([theme, frozen, ideasOf(theme).map((i) => [i.id, i.text]), (s.alignments || []).filter((m) => m.theme === theme.id)]),
    empty: () => h("li", { class: "muted" }, t("no_themes")),
    render: (theme) => h("li", { class: `theme${theme.on_ballot ? " on-ballot" : ""}` },
    h("div", { class: "idea-meta" }, h("span", { class: "idea-id" }, `#${theme.id}`), axisChip(s.event, theme.axis),
      theme.on_ballot ? h("span", { class: "badge ok" }, t("on_ballot")) : null),
    h("strong", { lang: s.event.languages[0] }, theme.title),
    // The title in the plan's other languages: written by the theme team, or flagged as missing.
    s.event.languages.slice(1).map((other) => h("div", { class: `translation${theme.titles?.[other] ? "" : " missing"}`, lang: other },
      h("span", { class: "lang-tag" }, other.toUpperCase()), " ",
      h("span", { class: "translation-text" }, theme.titles?.[other] || t("not_translated")),
      canCluster ? h("button", { class: "ghost small", "data-focus-key": `translate-${theme.id}-${other}`, disabled: frozen && theme.on_ballot,
        onclick: (e) => editInline(e.target.closest(".translation").querySelector(".translation-text"), theme.titles?.[other] || "",
          (text) => act("theme.update", { theme: theme.id, titles: { [other]: text } })) }, t("edit")) : null)),
    canCluster && s.event.zones.length ? alignmentBox(s.event, { theme: theme.id }, s.alignments || [], act) : null,
    h("ul", { class: "theme-ideas" }, ideasOf(theme).map((i) => h("li", {}, `#${i.id} ${i.text}`))),
    canCluster ? h("div", { class: "actions" },
      h("button", { "data-focus-key": `ballot-${theme.id}`, disabled: frozen, onclick: () => act("theme.ballot", { theme: theme.id, on_ballot: !theme.on_ballot }) },
        theme.on_ballot ? t("remove_from_ballot") : t("add_to_ballot")),
      h("button", { disabled: frozen && theme.on_ballot, onclick: (e) => editInline(e.target.closest("li").querySelector("strong"), theme.title, (title) => act("theme.update", { theme: theme.id, title })) }, t("rename")),
      h("button", { class: "ghost", disabled: frozen && theme.on_ballot, onclick: async () => {
        if (await ask({ title: `${t("delete")}: ${theme.title}`, body: t("ask_delete_theme_body"), confirm: t("delete"), danger: true })) act("theme.delete", { theme: theme.id });
      } }, t("delete"))) : null),
  });
}

function places(s, list) {
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  return h("ol", { class: "ranking" }, rankingItems(list.map((p) => ({ rank: p.rank, label: themeTitle(themes.get(p.theme)) || `#${p.theme}`,
    share: p.share, score: p.dots })), "wide"));
}

function groupLabel(s, dim, key) {
  if (key === "_others") return t("other_groups").replace("{n}", s.event.min_group);
  if (dim === "by_axis") return loc(s.event.axes.find((a) => a.id === key)?.name);
  if (dim === "by_table") return tableName(s.event, Number(key));
  if (dim === "by_channel") return key === "online" ? t("online") : t("room");
  if (dim === "by_round") return roundLabel(s.control.rounds.find((r) => r.round === Number(key)) || { round: key });
  const list = dim === "by_category" ? s.event.categories : s.event.zones;
  return loc(list.find((x) => x.id === key)?.name) || t("unknown");
}

function renderTally(s) {
  const tally = s.tally;
  if (!tally) return fill($("#tally"), h("p", { class: "muted" }, t("results_hidden")));
  $("#voters").textContent = `${tally.round > 1 ? `${t("round")} ${tally.round} · ` : ""}${count(tally.voters, "voter", "voters")} · ${scoreText(tally.method, tally.dots)}`;
  const dim = $("#breakdown").value || "overall";
  if (dim === "overall") return fill($("#tally"), places(s, tally.ranking));
  const groups = Object.entries(tally[dim] || {});
  fill($("#tally"), groups.map(([key, list]) => h("div", { class: "group" },
    h("h3", {}, groupLabel(s, dim, key)), places(s, list.filter((p) => p.dots > 0 || dim === "by_axis" || dim === "by_round")))));
}

for (const button of $$("[data-cmd]")) {
  button.addEventListener("click", async () => {
    const { cmd, seconds, revealed, reopen, ask: question } = button.dataset;
    if (question && !(await ask(ASKS[question]()))) return;
    const payload = seconds ? { seconds: Number(seconds) } : revealed ? { revealed: revealed === "true" } : reopen ? { reopen: true } : {};
    act(cmd, payload);
  });
}

$("#theme-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  // "New theme from these…": the ticked ideas go into the new theme at once
  const ideas = form.dataset.withSelection ? [...selected] : [];
  const titles = Object.fromEntries($$("[data-title-lang]", form).filter((f) => f.value.trim()).map((f) => [f.dataset.titleLang, f.value]));
  const ack = await act("theme.create", { title: form.title.value, titles, axis: form.axis.value || null, ideas });
  if (ack.ok) {
    form.title.value = "";
    for (const field of $$("[data-title-lang]", form)) field.value = "";
    if (ideas.length) { selected.clear(); delete form.dataset.withSelection; renderIdeas(state); }
  }
});

// Merge suggestions: merge a pair, or say "not the same" (remembered on this computer for this event).
const dismissed = () => new Set(JSON.parse(localStorage.getItem(`dismissed:${state.event?.id}`) || "[]"));
function dismiss(pair) {
  const all = dismissed();
  all.add(`${pair.a}-${pair.b}`);
  localStorage.setItem(`dismissed:${state.event.id}`, JSON.stringify([...all]));
}
let pairs = [];
function renderSuggestions() {
  const skip = dismissed();
  const live = (id) => state.ideas.get(id) && !state.ideas.get(id).gone;
  const open = pairs.filter((pair) => !skip.has(`${pair.a}-${pair.b}`) && live(pair.a) && live(pair.b));
  $("#suggest-summary").textContent = `${t("suggested_merges")} (${open.length})`;
  const text = (id) => state.ideas.get(id)?.text ?? "";
  fill($("#suggestions"), open.length ? open.map((pair) => h("li", {},
    h("p", {}, `#${pair.a} ${text(pair.a)}`), h("p", {}, `#${pair.b} ${text(pair.b)}`),
    h("div", { class: "row" },
      h("button", { onclick: async () => { const ack = await act("idea.merge", { idea: pair.b, into: pair.a }); if (ack.ok) renderSuggestions(); } }, `${t("merge_here")} #${pair.b} → #${pair.a}`),
      h("button", { class: "ghost", onclick: () => { dismiss(pair); renderSuggestions(); } }, t("not_the_same")))))
    : h("li", { class: "muted" }, t("no_similar")));
}
$("#suggest")?.addEventListener("click", async () => {
  const reply = await request("suggestions");
  if (!reply?.ok) return toast(reply?.error?.message || t("no_connection"));
  pairs = reply.pairs;
  renderSuggestions();
});

$("#results-public")?.addEventListener("change", (e) => act("results.publish", { published: e.target.checked }));
// The listening event's export, sent as it was downloaded; the server says what it took.
$("#import-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#import-file").files[0];
  const status = $("#import-status");
  if (!file) return;
  status.textContent = t("importing");
  try {
    const response = await fetch("/api/import", { method: "POST", body: file,
      headers: { Authorization: `Bearer ${document.body.dataset.token}`, "Content-Type": "application/json" } });
    const reply = await response.json();
    if (!reply.ok) { status.textContent = reply.error.message; return; }
    status.textContent = !reply.replayed && (reply.ideas || reply.themes)
      ? t("imported").replace("{ideas}", reply.ideas).replace("{themes}", reply.themes).replace("{event}", reply.source)
      : t("imported_again");
  } catch {
    status.textContent = t("no_connection");
  }
});

// The report takes a few seconds for a big event: the link says so while it is made, then saves the file.
$("#report-link")?.addEventListener("click", async (event) => {
  event.preventDefault();
  const link = event.currentTarget;
  if (link.dataset.busy) return;
  link.dataset.busy = "1";
  $("#report-status").textContent = t("report_building");
  try {
    const response = await fetch(link.href);
    if (!response.ok) throw new Error(String(response.status));
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/)?.[1] || "report.pdf";
    const url = URL.createObjectURL(await response.blob());
    const save = h("a", { href: url, download: name });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    $("#report-status").textContent = t("report_ready");
  } catch {
    $("#report-status").textContent = t("report_failed");
  } finally {
    delete link.dataset.busy;
  }
});
