// The participant's phone: profile once, ideas during capture, dots during the vote, results when revealed.
import { connect, statusBar } from "./client.js";
import { WholeBallot, drawWholeBallot } from "./ballot.js";
import { bindIdeaForm } from "./ideas.js";
import { NEEDS_ROOM, ROOM_EVERY, drawRoom } from "./room.js";
import { $, axisChip, pollLetter, pollOnScreen, rankingItems, screenFor, axisOf, pollLabels, roundLabel, scoreText, themeLabel, themeTitle, currentPhase, fill, phasePrompt, phaseTitle, h, lang, loc, startClock, syncList, t, tableName, toast } from "./ui.js";

const client = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")) });
const { state, act } = client;
const sendIdea = client.draftSender("idea.add");
let lastVoteState = null;
const whole = new WholeBallot(); // the draft of a 100-point or ranking ballot, until sent
let profilePhase; // the phase when the profile card was last opened or folded by the app
const pending = new Map(); // theme -> taps sent and not yet acknowledged (shown on the item)
// Taps in quick succession are answered in any order: the ballot keeps the newest answer (by its version), not
// the last to arrive, or "−" then "+" could leave the phone showing the dot it had before.
let ballotVersion = -1;
function takeBallot(ack) {
  if (!ack.ok || ack.version < ballotVersion) return;
  ballotVersion = ack.version;
  state.me.dots = ack.dots;
  state.me.left = ack.left;
}
const online = () => Boolean(state.event?.tables.find((x) => x.id === (state.me?.table ?? state.table))?.online);

startClock($("#clock"), () => state);

function render(s, change = {}) {
  if (!s.event) return;
  if (change.snapshot) ballotVersion = s.version; // the snapshot's own ballot is newer than any answer before it
  const phase = currentPhase(s);
  $("#table-name").textContent = tableName(s.event, s.me?.table ?? s.table);
  $("#phase-title").textContent = phase ? phaseTitle(s) : t("no_phase");
  // Online participants have no table card to scan: the welcome speaks to them instead.
  $("#phase-prompt").textContent = online() && (!phase || s.control.phase === 0) ? t("online_welcome") : phase ? phasePrompt(s) : "";
  const voteState = s.control.vote.state;
  // The ballot order is personal, and each round starts empty: fetch them again when the vote (or round) changes.
  const voteKey = `${s.control.vote.round}:${voteState}`;
  if (!change.snapshot && lastVoteState !== null && voteKey !== lastVoteState) client.resync({ full: true });
  lastVoteState = voteKey;
  // the phase's prompt speaks of the first round ("you have 5 dots"): a later round says its own rules instead
  $("#phase-prompt").hidden = voteState === "open" && s.control.vote.round > 1;

  // The optional profile: open while people arrive, folded once the work starts, gone once answered or skipped.
  const profileDone = s.me?.category || s.me?.zone || localStorage.getItem(`profile:${s.event.id}`);
  const profile = $("#profile");
  profile.hidden = Boolean(profileDone);
  if (!profileDone && profilePhase !== s.control.phase) {
    profilePhase = s.control.phase;
    profile.open = s.control.phase == null || s.control.phase <= 1;
  }
  $("#capture").hidden = phase?.kind !== "capture";
  $("#vote").hidden = voteState !== "open";
  renderRoom(s);
  // the room's screen above already shows the ranking: not twice on one page
  $("#results").hidden = !s.tally || roomShows(s, "results");
  $("#published").hidden = !s.control.results_public; // the facilitator published the results page
  // Between the vote's moments the phone says what happens next.
  const waiting = voteState === "closed" ? (s.tally ? t("vote_closed") : `${t("vote_closed")} ${t("results_hidden")}`)
    : phase?.kind === "voting" && voteState === "not_open" ? t("vote_not_open") : "";
  $("#waiting").hidden = !waiting;
  $("#waiting-text").textContent = waiting;
  if (voteState === "open") renderBallot(s);
  renderQuestions(s);
  renderPoll(s);
  if (s.tally) renderResults(s);
  renderIdeas(s);
  followChange(s);
}

// The phone takes its person to what just changed: the new phase's prompt, the ballot when the vote opens,
// the results when revealed, the poll when it opens or its results are shown, the questions when Q&A opens
// (a page of 200 ideas is thousands of pixels: nobody deep in it would see them arrive). Not while the person
// is writing something: a button at the bottom of the screen then offers the way.
const PLACES = { results: "#results", vote: "#vote", poll: "#poll", qa: "#qa", phase: ".phase" }; // first wins
let moments = null;
function followChange(s) {
  const poll = pollView(s);
  const now = {
    phase: `${s.control.phase}:${s.control.step}`,
    vote: s.control.vote.state === "open" ? String(s.control.vote.round) : "",
    results: s.tally ? String(s.tally.round) : "",
    poll: poll ? `${poll.id}:${poll.state}:${poll.revealed}` : "",
    qa: s.control.qa?.open ? "open" : "",
  };
  const before = moments;
  moments = now;
  if (!before) return; // the page just opened: it starts at the top anyway
  const what = Object.keys(PLACES).find((key) => now[key] && now[key] !== before[key]);
  // what changed may be on the room's screen above rather than in its own card
  const target = what && (roomShows(s, what) && $(PLACES[what]).hidden ? $("#room") : $(PLACES[what]));
  if (!target || target.hidden) return;
  const drafts = [$("#idea-text"), $("#qa-text")].some((field) => field.value.trim());
  const writing = document.activeElement?.matches("textarea, input, select") || drafts;
  const jump = $("#jump");
  if (!writing) {
    jump.hidden = true;
    return goTo(target);
  }
  jump.textContent = t(`jump_${what}`);
  jump.onclick = () => { jump.hidden = true; goTo(target); };
  jump.hidden = false;
  clearTimeout(jumpTimer);
  jumpTimer = setTimeout(() => (jump.hidden = true), 15000); // never in the way of writing for long
}
let jumpTimer;
function goTo(target) {
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  target.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
  target.classList.remove("arrived");
  void target.offsetWidth; // restart the highlight
  target.classList.add("arrived");
}

// The room's screen (room.js): open for online participants, who cannot see the projector; folded in the
// hall, where people can. What the person chooses is kept for the event.
const roomKey = () => `room-open:${state.event?.id}`;
let room = null, roomAsked = 0, roomScreen = "", asking = false;
const roomShows = (s, what) => $("#room").open && screenFor(s) === what;
function renderRoom(s) {
  const box = $("#room");
  if (box.hidden) {
    box.hidden = false;
    const kept = localStorage.getItem(roomKey());
    box.open = kept ? kept === "open" : online();
  }
  const screen = screenFor(s);
  $("#room-what").textContent = t(`screen_${screen}`);
  if (!box.open) return;
  if (NEEDS_ROOM.has(screen) && (screen !== roomScreen || Date.now() - roomAsked > ROOM_EVERY)) askRoom();
  roomScreen = screen;
  drawRoom($("#room-screen"), s, room);
}
async function askRoom() {
  if (asking) return;
  asking = true;
  roomAsked = Date.now();
  const answer = await client.request("room");
  asking = false;
  if (!answer.ok) return;
  room = answer;
  if ($("#room").open) drawRoom($("#room-screen"), state, room);
}
$("#room").addEventListener("toggle", () => {
  if ($("#room").hidden) return;
  try { localStorage.setItem(roomKey(), $("#room").open ? "open" : "closed"); } catch { /* kept for this page only */ }
  render(state);
});
setInterval(() => { // the wall, the themes' counts and the voters change without an update to phones
  if ($("#room").open && NEEDS_ROOM.has(screenFor(state)) && document.visibilityState === "visible") askRoom();
}, ROOM_EVERY);

function renderIdeas(s) {
  const ideas = [...s.ideas.values()].filter((i) => !i.gone).reverse();
  syncList($("#ideas"), ideas, {
    key: (idea) => idea.id,
    render: (idea) => h("li", { class: `idea${idea.starred ? " starred" : ""}` }, axisChip(s.event, idea.axis),
      h("span", { class: "kind" }, t(idea.kind)), h("p", {}, idea.text)),
    empty: () => h("li", { class: "muted" }, t("no_ideas")),
  });
  const more = $("#ideas-more");
  more.hidden = !s.ideas_more;
  more.textContent = t("ideas_more").replace("{n}", s.ideas_more || 0);
}

function renderBallot(s) {
  const me = s.me;
  const themes = new Map(s.themes.map((theme) => [theme.id, theme]));
  const round = s.control.vote; // (not `vote`: that is the function sending a dot)
  const label = $("#round-label");
  label.hidden = round.round === 1;
  label.textContent = roundLabel(round);
  const dots = round.method === "dots";
  $("#dot-ballot").hidden = !dots;
  $("#whole-ballot").hidden = dots;
  if (!dots) {
    drawWholeBallot($("#whole-ballot"), { event: s.event, themes: me.ballot_order.filter((id) => themes.has(id)).map((id) => themes.get(id)), vote: round, mine: me.dots, ballot: whole,
      send: async (payload) => {
        const ack = await act("ballot.cast", payload);
        takeBallot(ack);
        return ack;
      } });
    return;
  }
  const { budget, cap } = round;
  $("#dots-left").textContent = `${me.left} / ${budget}`;
  const items = me.ballot_order.filter((id) => themes.has(id)).map((id) => ({ theme: themes.get(id), mine: me.dots[id] || 0, left: me.left, waiting: pending.get(id) || 0 }));
  syncList($("#ballot"), items, { key: (item) => item.theme.id, render: ({ theme, mine, waiting }) => {
    const id = theme.id;
    return h("li", { class: `ballot-item${waiting ? " pending" : ""}`, "aria-busy": waiting ? "true" : false },
      h("div", { class: "ballot-text" }, axisChip(s.event, theme.axis), themeLabel(s.event, theme, "strong"),
        waiting ? h("span", { class: "pending-note" }, t("sending")) : null),
      h("div", { class: "ballot-controls" },
        h("button", { class: "round", "aria-label": `− ${themeTitle(theme)}`, "data-focus-key": `remove-${id}`, disabled: mine === 0, onclick: () => vote("dot.remove", id) }, "−"),
        h("span", { class: "my-dots", "aria-label": `${mine} ${t("mine")}` }, "●".repeat(mine) + "○".repeat(Math.max(0, cap - mine))),
        h("button", { class: "round primary", "aria-label": `+ ${themeTitle(theme)}`, "data-focus-key": `place-${id}`, disabled: mine >= cap || me.left === 0, onclick: () => vote("dot.place", id) }, "+")));
  } });
  // After each acknowledged dot the phone says it is kept, and after the last one that the vote is complete.
  const given = budget - me.left;
  const note = $("#vote-saved");
  note.hidden = given === 0 || pending.size > 0;
  note.textContent = me.left === 0 ? t("vote_saved_all").replace("{n}", budget) : t("vote_saved_some").replace("{given}", given).replace("{left}", me.left);
  note.classList.toggle("complete", me.left === 0);
}

async function vote(name, theme) {
  pending.set(theme, (pending.get(theme) || 0) + 1);
  renderBallot(state);
  const ack = await act(name, { theme });
  pending.set(theme, pending.get(theme) - 1);
  if (!pending.get(theme)) pending.delete(theme);
  takeBallot(ack);
  renderBallot(state);
}

function renderResults(s) {
  $("#results-round").textContent = s.tally.round > 1 ? roundLabel(s.control.rounds.find((r) => r.round === s.tally.round) || s.control.vote) : "";
  const themes = new Map(s.themes.map((theme) => [theme.id, theme]));
  fill($("#ranking"), rankingItems(s.tally.ranking.map((place) => ({ rank: place.rank, label: themeLabel(s.event, themes.get(place.theme), "span"),
    share: place.share, score: scoreText(s.tally.method, place.dots), color: axisOf(s.event, themes.get(place.theme)?.axis)?.color }))));
}

$("#idea-text").addEventListener("input", (e) => ($("#idea-count").textContent = e.target.value.length));
// Questions: ask (anonymous unless signed), support others' once each; the list is the room's order.
function renderQuestions(s) {
  const list = s.questions || [];
  $("#qa").hidden = !s.control.qa?.open && !list.length;
  $("#qa-form").hidden = !s.control.qa?.open;
  const mine = new Set(s.me?.upvoted || []);
  syncList($("#questions"), list, {
    key: (q) => q.id,
    signature: (q) => JSON.stringify(q) + mine.has(q.id),
    render: (q) => h("li", { class: `question${q.answered ? " answered" : ""}${q.pinned ? " pinned" : ""}` },
      h("div", { class: "question-body" }, h("p", {}, q.text),
        h("span", { class: "question-meta" }, q.name || t("anonymous"), q.answered ? ` · ${t("answered")}${q.speaker ? ` (${q.speaker})` : ""}` : "")),
      h("button", { class: `upvote${mine.has(q.id) ? " on" : ""}`, "aria-pressed": String(mine.has(q.id)), "data-focus-key": `up-${q.id}`,
        disabled: q.answered, onclick: () => upvote(q.id, !mine.has(q.id)) },
        h("span", { "aria-hidden": "true" }, "▲ "), q.votes, h("span", { class: "visually-hidden" }, ` · ${t("support")}`))),
    empty: () => h("li", { class: "muted" }, t("no_questions")),
  });
}

async function upvote(question, up) {
  const ack = await act("qa.upvote", { question, up });
  if (!ack.ok) return;
  const mine = new Set(state.me.upvoted || []);
  if (up) mine.add(question); else mine.delete(question);
  state.me.upvoted = [...mine];
  const q = state.questions.find((x) => x.id === question);
  if (q) q.votes = ack.votes;
  renderQuestions(state);
}

// The open poll (or the last revealed one): answer, change the answer while it is open, see the results.
function pollView(s) {
  const list = s.polls || [];
  return list.filter((p) => p.state === "open").at(-1) || list.filter((p) => p.revealed).at(-1) || null;
}
function renderPoll(s) {
  const box = $("#poll");
  const poll = pollView(s);
  // results the room's screen above already shows: not twice on one page (an open poll keeps its form here)
  box.hidden = !poll || (poll.state !== "open" && roomShows(s, "poll") && pollOnScreen(s)?.id === poll.id);
  if (box.hidden) return;
  const mine = s.me?.poll_answers?.[poll.id] || [];
  const key = JSON.stringify([poll, mine]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const labels = pollLabels(poll);
  const value = (i) => (poll.kind === "scale" ? i + 1 : i);
  const children = [h("h2", {}, poll.question)];
  if (poll.state === "open") {
    const type = poll.kind === "multiple" ? "checkbox" : "radio";
    const form = h("form", { class: `poll-form ${poll.kind}` },
      poll.kind === "scale" ? h("p", { class: "hint" }, t("scale_hint")) : null,
      h("fieldset", {}, h("legend", { class: "visually-hidden" }, poll.question),
        labels.map((label, i) => h("label", { class: "poll-choice" },
          h("input", { type, name: "choice", value: value(i), checked: mine.includes(value(i)) }), ` ${label}`))),
      h("button", { type: "submit", class: "primary big" }, mine.length ? t("change_answer") : t("answer")),
      mine.length ? h("p", { class: "saved-note" }, t("poll_saved")) : null);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const choices = [...form.querySelectorAll("input:checked")].map((x) => Number(x.value));
      if (!choices.length) return toast(t("poll_choose"));
      const ack = await act("poll.answer", { poll: poll.id, choices });
      if (!ack.ok) return;
      state.me.poll_answers = { ...(state.me.poll_answers || {}), [poll.id]: ack.choices };
      renderPoll(state);
    });
    children.push(form);
  }
  if (poll.results) children.push(pollBars(poll, labels));
  fill(box, children);
}
function pollBars(poll, labels) {
  return h("ol", { class: "ranking poll-results" }, rankingItems(labels.map((label, i) => ({ rank: pollLetter(poll, i), label, share: poll.results.shares[i], score: poll.results.counts[i] }))));
}

const sendQuestion = client.draftSender("qa.ask");
$("#qa-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await sendQuestion({ text: form.text.value, name: form.name.value.trim() || null });
  if (!ack.ok) return;
  form.text.value = "";
  const note = $("#qa-saved");
  note.textContent = ack.status === "pending" ? t("question_pending") : t("question_listed");
  note.hidden = false;
});

// "sent from this phone": counted in the browser, so a reload does not start it again from one
const sentKey = () => `ideas-sent:${state.event?.id}:${state.me?.participant}`;
let sentHere = 0; // the same count, for a browser that keeps nothing (private mode)
bindIdeaForm($("#idea-form"), sendIdea, (ack) => {
  $("#idea-count").textContent = "0";
  const ideasSent = Math.max(sentHere, Number(localStorage.getItem(sentKey())) || 0) + 1;
  sentHere = ideasSent;
  try { localStorage.setItem(sentKey(), String(ideasSent)); } catch { /* counted for this page only */ }
  const note = $("#ideas-saved");
  note.textContent = `${t("idea_saved").replace("{n}", ideasSent)}${ack.held ? ` ${t("idea_held")}` : ""}`;
  note.hidden = false;
});

$("#profile-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ack = await act("profile.set", { category: event.target.category.value || null, zone: event.target.zone.value || null });
  if (!ack.ok) return;
  localStorage.setItem(`profile:${state.event.id}`, "1");
  Object.assign(state.me, { category: ack.category, zone: ack.zone });
  toast(t("saved"), "ok");
  render(state);
});
$("#profile-skip").addEventListener("click", () => {
  localStorage.setItem(`profile:${state.event.id}`, "skipped");
  render(state);
});
