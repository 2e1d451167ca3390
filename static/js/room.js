// The room's screen on a phone: what the hall's projector shows now, sized for a phone, following the
// facilitator's choice live (control.projector.shown, decided by the server). Online participants above all
// cannot see the projector: hybrid means the same say and the same view. Read-only: answering, voting and
// asking stay in the phone's own cards below.
// What a phone is not otherwise sent (the idea wall from every table, the counts) comes from the `room`
// request, the same answer for every phone, asked again while such a screen is up (ROOM_EVERY).
import { $, axisChip, axisOf, count, fill, h, loc, plural, pollLabels, pollLetter, pollOnScreen, rankingItems, roundLabel, scoreText, screenFor, t, tableName, themeLabel } from "./ui.js";

export const NEEDS_ROOM = new Set(["join", "wall", "themes", "progress"]);
export const ROOM_EVERY = 8000; // ms: how often an open view of those screens asks again (the projector turns a page every 12 s)
const WALL_FIRST = 8; // cards shown before "show all": a phone scrolls, the projector pages

let wallOpen = false;

// Draws the screen into `box`; `room` is the latest `room` answer (or null while it is on its way).
export function drawRoom(box, s, room) {
  const screen = screenFor(s);
  box.dataset.screen = screen;
  const draw = { join, prompt, wall, themes, progress, results, questions, poll, message, blank }[screen] || blank;
  fill(box, draw(s, room));
}

const lead = (text) => h("p", { class: "room-lead" }, text);
const waiting = () => h("p", { class: "muted" }, t("room_loading"));

function join(s, room) {
  return [lead(t("room_join")), room ? h("p", { class: "room-count" }, h("b", {}, room.participants), ` ${plural(room.participants, "participant", "participants")}`) : null];
}

function prompt() {
  return lead(t("room_prompt")); // the phase's title, question and clock are at the top of the phone already
}

// The wall's cards as the room reads them (the tables' starred ideas, then the newest), from every table,
// above them how many ideas each axis has gathered.
function wall(s, room) {
  if (!room) return waiting();
  if (!room.wall.length) return lead(t("wall_empty"));
  const cards = wallOpen ? room.wall : room.wall.slice(0, WALL_FIRST);
  return [
    h("ul", { class: "room-axes" }, s.event.axes.map((axis, n) => h("li", { style: { "--axis": axis.color } },
      `${n + 1} · ${loc(axis.name)} `, h("b", {}, room.axes[axis.id] || 0)))),
    h("ul", { class: "ideas room-wall" }, cards.map((idea) => h("li", { class: `idea${idea.starred ? " starred" : ""}` },
      h("div", { class: "idea-meta" }, axisChip(s.event, idea.axis), h("span", { class: "where" }, tableName(s.event, idea.table))),
      h("p", {}, idea.text)))),
    room.wall.length > WALL_FIRST ? h("button", { type: "button", class: "ghost", onclick: (e) => {
      wallOpen = !wallOpen;
      const box = e.target.closest(".room-screen");
      fill(box, wall(s, room));
    } }, wallOpen ? t("room_fewer") : t("room_all").replace("{n}", room.wall.length)) : null,
  ];
}

function themes(s, room) {
  if (!room) return waiting();
  const byId = new Map(s.themes.map((x) => [x.id, x]));
  const list = room.themes.filter((x) => byId.has(x.theme));  // the most gathered first, as the server ordered them
  if (!list.length) return lead(t("themes_forming"));
  return [h("h3", {}, t("themes_forming")), h("ol", { class: "ranking" }, rankingItems(list.map((x) => ({
    label: themeLabel(s.event, byId.get(x.theme)), share: x.share, score: count(x.ideas, "idea", "ideas"),
    color: axisOf(s.event, byId.get(x.theme).axis)?.color }))))];
}

function progress(s, room) {
  const vote = s.control.vote;
  const voters = room?.voters ?? 0, people = Math.max(room?.participants ?? 0, voters);
  return [
    lead(vote.state === "open" ? t("room_vote_open") : vote.state === "closed" ? t("vote_closed_room") : t("vote_soon")),
    vote.round > 1 || vote.method !== "dots" ? h("p", { class: "round-label" }, roundLabel(vote)) : null,
    room ? h("div", { class: "room-meter" },
      h("span", { class: "bar-track", role: "img", "aria-label": `${voters} / ${people}` },
        h("span", { class: "bar-fill", style: { width: `${people ? (100 * voters) / people : 0}%` } })),
      h("span", { class: "room-count" }, h("b", {}, voters), ` / ${people} ${t("have_voted")}`)) : null,
  ];
}

function results(s) {
  if (!s.tally) return lead(t("results_soon"));
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  const round = s.control.rounds?.find((r) => r.round === s.tally.round);
  return [
    round && (round.round > 1 || round.method !== "dots") ? h("p", { class: "round-label" }, roundLabel(round)) : null,
    h("ol", { class: "ranking" }, rankingItems(s.tally.ranking.map((p) => ({ rank: p.rank, label: themeLabel(s.event, themes.get(p.theme)),
      share: p.share, score: scoreText(s.tally.method, p.dots), color: axisOf(s.event, themes.get(p.theme)?.axis)?.color })))),
  ];
}

// The questions as the room reads them (pinned first, then the most supported); supporting them is below.
function questions(s) {
  const list = s.questions || [];
  if (!list.length) return lead(s.control.qa?.open ? t("ask_from_phone") : t("no_questions"));
  return [h("h3", {}, t("questions")), h("ol", { class: "questions room-questions" }, list.slice(0, 10).map((q) =>
    h("li", { class: `question${q.answered ? " answered" : ""}${q.pinned ? " pinned" : ""}` },
      h("div", { class: "question-body" }, h("p", {}, q.pinned ? h("strong", {}, `${t("pinned")} · `) : null, q.text),
        h("span", { class: "question-meta" }, q.name || t("anonymous"), q.answered ? ` · ${t("answered")}` : "")),
      h("span", { class: "room-votes" }, h("span", { "aria-hidden": "true" }, "▲ "), q.votes))))];
}

function poll(s) {
  const current = pollOnScreen(s);
  if (!current) return lead(t("no_poll"));
  const labels = pollLabels(current);
  const res = current.results;
  return [
    h("h3", {}, current.question),
    current.state === "open" ? h("p", { class: "hint" }, t("room_poll_open")) : null,
    res ? h("p", { class: "room-count" }, h("b", {}, res.answers), ` ${t("people_answered")}${res.mean != null ? ` · ${t("mean")} ${res.mean}` : ""}`) : null,
    res ? h("ol", { class: "ranking" }, rankingItems(labels.map((label, i) => ({ rank: pollLetter(current, i), label, share: res.shares[i], score: res.counts[i] }))))
      : h("ol", { class: "room-options" }, labels.map((label, i) => h("li", {}, [pollLetter(current, i), label].filter(Boolean).join(" · ")))),
  ];
}

function message(s) {
  return h("p", { class: "room-message" }, s.control.projector?.message || "");
}

function blank() {
  return h("p", { class: "muted" }, t("room_blank"));
}
