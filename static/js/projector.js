// The room projector (read-only). One thing at a time, as the facilitator chose on the console (or, on
// "auto", what the agenda and the vote call for: see screenFor in ui.js): the join QR, the phase's prompt,
// the idea wall, the themes forming, the vote's progress, the results, a message, or nothing.
// The page is a 1920×1080 stage scaled to fit, so type keeps its size relative to the screen at any resolution.
// Keys: 0 = all axes, 1-9 = one axis (wall, themes, results); ←/→ turn the page. The screen heals itself
// after any reconnect (full resync).
import { connect } from "./client.js";
import { $, axisChip, axisOf, currentPhase, currentStep, fill, h, lang, loc, phasePrompt, plural, pollLabels, roundLabel, screenFor, startClock, t, tableName, themeLabel, timerText } from "./ui.js";

const STAGE = { width: 1920, height: 1080 };
const PAGE_SECONDS = 12; // a full wall turns its pages at this pace; page 1 is always the newest
const PER_PAGE = { wall: 6, themes: 8, results: 8, questions: 5 };

const link = $("#p-link");
const { state } = connect({
  token: document.body.dataset.token, lang, onState: render,
  // A discreet dot, not the phones' banner: the room should not read about the projector's Wi-Fi.
  onStatus: (status) => { link.dataset.status = status; },
});
startClock($("#clock"), () => state);
let axisFilter = new URLSearchParams(location.search).get("axis") || "";
let page = 0;
let shown = ""; // the screen on the stage, to start its pages from the first when it changes

function fit() {
  const scale = Math.min(innerWidth / STAGE.width, innerHeight / STAGE.height);
  const stage = $("#stage");
  stage.style.transform = `scale(${scale})`;
  stage.style.left = `${(innerWidth - STAGE.width * scale) / 2}px`;
  stage.style.top = `${(innerHeight - STAGE.height * scale) / 2}px`;
}
addEventListener("resize", fit);
fit();

function render(s) {
  if (!s.event) return;
  const screen = screenFor(s);
  if (screen !== shown) { shown = screen; page = 0; }
  const stage = $("#stage");
  stage.dataset.screen = screen;
  const phase = currentPhase(s);
  // one line at projector size: the round's own title when there is one ("Asse 3 · Mobilità sostenibile")
  $("#phase-title").textContent = phase ? (loc(currentStep(s)?.title) || loc(phase.title)) : loc(s.event.subtitle);
  const st = s.stats || {};
  const stat = (n, one, many) => h("span", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#p-stats"), stat(st.participants, "participant", "participants"),
    screen === "wall" || screen === "themes" ? stat(st.ideas, "idea", "ideas") : null);
  $("#p-page").textContent = "";
  ({ join, prompt, wall, themes, progress, results, questions, poll, message, blank })[screen](s);
}

function paged(list, size) {
  const pages = Math.max(1, Math.ceil(list.length / size));
  page %= pages;
  $("#p-page").textContent = pages > 1 ? `${page + 1} / ${pages}` : "";
  return list.slice(page * size, page * size + size);
}

function filterChip(s) {
  return axisFilter ? h("div", { class: "p-filter" }, axisChip(s.event, axisFilter)) : null;
}

function join(s) {
  const qr = $("#join-qr").firstElementChild.cloneNode(true);
  qr.setAttribute("role", "img");
  qr.setAttribute("aria-label", t("scan_to_join"));
  fill($("#screen"), h("div", { class: "p-join-screen" },
    h("div", { class: "p-qr" }, qr),
    h("div", { class: "p-join-text" },
      h("p", { class: "p-lead" }, t("scan_to_join")),
      h("p", { class: "p-url" }, $("#join-url").textContent),
      h("p", { class: "p-hint" }, t("join_hint")),
      h("p", { class: "p-count" }, h("b", {}, s.stats?.participants ?? 0), ` ${plural(s.stats?.participants ?? 0, "participant", "participants")}`))));
}

function prompt(s) {
  const phase = currentPhase(s);
  const timer = timerText(s.control, s.clockOffset || 0);
  fill($("#screen"), h("div", { class: "p-prompt" },
    // the header above names the round ("Giro 1 · Le esigenze"): here the activity and its question
    h("h2", {}, phase ? loc(phase.title) : loc(s.event.title)),
    phase && phasePrompt(s) ? h("p", {}, phasePrompt(s)) : !phase ? h("p", {}, loc(s.event.subtitle)) : null,
    timer ? h("div", { class: "p-timer", "aria-hidden": "true" }, timer) : null));
}

// Newest first, a page of whole cards at a time: nothing is ever cut at the edge of the screen.
function wall(s) {
  const ideas = [...s.ideas.values()].filter((i) => !i.gone && (!axisFilter || i.axis === axisFilter)).sort((a, b) => b.id - a.id);
  if (!ideas.length) return fill($("#screen"), filterChip(s), h("p", { class: "p-big" }, t("wall_empty")));
  fill($("#screen"), filterChip(s), h("ul", { class: "p-wall" }, paged(ideas, PER_PAGE.wall).map((idea) =>
    h("li", { class: `p-note${idea.starred ? " starred" : ""}${idea.text.length > 160 ? " long" : ""}`, style: { "--axis": axisOf(s.event, idea.axis)?.color } },
      h("p", {}, idea.text),
      h("div", { class: "p-note-meta" }, axisChip(s.event, idea.axis), h("span", {}, tableName(s.event, idea.table)))))));
}

// The themes the theme team is forming, with how many ideas each gathers so far.
function themes(s) {
  const counts = new Map();
  for (const idea of s.ideas.values()) if (!idea.gone && idea.theme) counts.set(idea.theme, (counts.get(idea.theme) || 0) + 1);
  const list = s.themes.filter((x) => !axisFilter || x.axis === axisFilter)
    .map((x) => ({ ...x, ideas: counts.get(x.id) || 0 })).sort((a, b) => b.ideas - a.ideas || a.id - b.id);
  if (!list.length) return fill($("#screen"), filterChip(s), h("p", { class: "p-big" }, t("themes_forming")));
  fill($("#screen"), filterChip(s), h("h2", { class: "p-screen-title" }, t("themes_forming")),
    h("ul", { class: "p-themes" }, paged(list, PER_PAGE.themes).map((x) =>
      h("li", { style: { "--axis": axisOf(s.event, x.axis)?.color } },
        h("span", { class: "p-theme-title" }, themeLabel(s.event, x)),
        h("span", { class: "p-theme-count" }, `${x.ideas} ${plural(x.ideas, "idea", "ideas")}`)))));
}

function progress(s) {
  const st = s.stats || {};
  const voters = st.voters ?? 0, people = Math.max(st.participants ?? 0, voters);
  const vote = s.control.vote;
  const ballot = s.themes.filter((x) => x.on_ballot);
  fill($("#screen"), h("div", { class: "p-progress" },
    h("p", { class: "p-lead" }, vote.state === "open" ? t("vote_now") : vote.state === "closed" ? t("vote_closed_room") : t("vote_soon")),
    // a second round, or another method than dots: the room is told which and how
    vote.round > 1 || vote.method !== "dots" ? h("p", { class: "p-round" }, roundLabel(vote)) : null,
    h("div", { class: "p-meter", role: "img", "aria-label": `${voters} / ${people}` },
      h("span", { class: "p-meter-fill", style: { width: `${people ? (100 * voters) / people : 0}%` } })),
    h("p", { class: "p-count" }, h("b", {}, voters), ` / ${people} ${t("have_voted")}`),
    h("ol", { class: "p-ballot" }, ballot.map((x) => h("li", { style: { "--axis": axisOf(s.event, x.axis)?.color } }, themeLabel(s.event, x))))));
}

function results(s) {
  if (!s.tally) return fill($("#screen"), h("p", { class: "p-big" }, t("results_soon")));
  const themesById = new Map(s.themes.map((x) => [x.id, x]));
  const list = s.tally.ranking.filter((p) => !axisFilter || themesById.get(p.theme)?.axis === axisFilter);
  const max = Math.max(1, ...list.map((p) => p.dots));
  const key = JSON.stringify([s.tally.round, axisFilter, page, list.map((p) => p.theme)]);
  const old = $("#screen .p-ranking");
  // The bars grow from where they were: same rows, new widths (a CSS transition animates them).
  if (old && old.dataset.key === key) {
    for (const [i, p] of paged(list, PER_PAGE.results).entries()) {
      const row = old.children[i];
      row.querySelector(".p-bar-fill").style.width = `${(100 * p.dots) / max}%`;
      row.querySelector(".p-score").textContent = p.dots;
      row.querySelector(".p-rank").textContent = p.rank;
    }
    return;
  }
  const rows = paged(list, PER_PAGE.results).map((p) => h("li", { style: { "--axis": axisOf(s.event, themesById.get(p.theme)?.axis)?.color } },
    h("span", { class: "p-rank" }, p.rank),
    h("span", { class: "p-result-title" }, themeLabel(s.event, themesById.get(p.theme))),
    h("span", { class: "p-bar" }, h("span", { class: "p-bar-fill", "data-width": `${(100 * p.dots) / max}%` })),
    h("span", { class: "p-score" }, p.dots)));
  const ranking = h("ol", { class: "p-ranking", "data-key": key }, rows);
  const round = s.control.rounds?.find((r) => r.round === s.tally.round);
  const label = round && (round.round > 1 || round.method !== "dots") ? h("p", { class: "p-round" }, roundLabel(round)) : null;
  fill($("#screen"), filterChip(s), h("h2", { class: "p-screen-title" }, t("results")), label, ranking);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    for (const bar of ranking.querySelectorAll(".p-bar-fill")) bar.style.width = bar.dataset.width;
  }));
}

// The room's questions, most supported first (pinned ones on top), a page at a time.
function questions(s) {
  const list = s.questions || [];
  if (!list.length) return fill($("#screen"), h("p", { class: "p-big" }, s.control.qa?.open ? t("ask_from_phone") : t("no_questions")));
  fill($("#screen"), h("h2", { class: "p-screen-title" }, t("questions"), s.control.qa?.open ? h("small", {}, ` · ${t("ask_from_phone")}`) : null),
    h("ol", { class: "p-questions" }, paged(list, PER_PAGE.questions).map((q) =>
      h("li", { class: `${q.pinned ? "pinned" : ""}${q.answered ? " answered" : ""}` },
        h("span", { class: "p-votes" }, h("span", { "aria-hidden": "true" }, "▲"), q.votes),
        h("span", { class: "p-question" }, q.pinned ? h("span", { class: "p-pin" }, t("pinned")) : "", q.text,
          h("small", {}, ` — ${q.name || t("anonymous")}${q.answered ? ` · ${t("answered")}${q.speaker ? ` (${q.speaker})` : ""}` : ""}`))))));
}

// The open poll, or the last revealed one: its question and answers, with bars once revealed.
function poll(s) {
  const list = s.polls || [];
  const current = list.filter((p) => p.state === "open").at(-1) || list.filter((p) => p.revealed).at(-1);
  if (!current) return fill($("#screen"), h("p", { class: "p-big" }, t("no_poll")));
  const labels = pollLabels(current);
  const res = current.results;
  const max = Math.max(1, ...(res?.counts || [0]));
  fill($("#screen"), h("h2", { class: "p-screen-title" }, current.question,
    current.state === "open" ? h("small", {}, ` · ${t("answer_from_phone")}`) : null),
    current.kind === "scale" && !res ? h("p", { class: "p-lead" }, t("scale_hint")) : null,
    h("ol", { class: "p-ranking p-poll" }, labels.map((label, i) => h("li", {},
      h("span", { class: "p-rank" }, current.kind === "scale" ? "" : String.fromCharCode(65 + i)),
      h("span", { class: "p-result-title" }, label),
      h("span", { class: "p-bar" }, res ? h("span", { class: "p-bar-fill", style: { width: `${(100 * res.counts[i]) / max}%` } }) : null),
      h("span", { class: "p-score" }, res ? res.counts[i] : "")))),
    res ? h("p", { class: "p-count" }, h("b", {}, res.answers), ` ${t("people_answered")}${res.mean != null ? ` · ${t("mean")} ${res.mean}` : ""}`) : null);
}

function message(s) {
  fill($("#screen"), h("p", { class: "p-message" }, s.control.projector?.message || ""));
}

function blank() {
  fill($("#screen"));
}

setInterval(() => { // the prompt's big timer; the small one in the corner has its own clock
  const el = $("#screen .p-timer");
  if (el && state.control) el.textContent = timerText(state.control, state.clockOffset || 0);
}, 500);

setInterval(() => {
  if (!state.event || !PER_PAGE[shown]) return;
  page += 1;
  render(state);
}, PAGE_SECONDS * 1000);

document.addEventListener("keydown", (event) => {
  if (!state.event) return;
  if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
    page = Math.max(0, page + (event.key === "ArrowRight" ? 1 : -1));
    return render(state);
  }
  if (!/^[0-9]$/.test(event.key)) return;
  const n = Number(event.key);
  axisFilter = n === 0 ? "" : state.event.axes[n - 1]?.id ?? axisFilter;
  page = 0;
  render(state);
});
