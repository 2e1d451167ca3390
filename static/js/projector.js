// The room projector (read-only). One thing at a time, as the facilitator chose on the console (or, on
// "auto", what the agenda and the vote call for: see screenFor in ui.js): the join QR, the phase's prompt,
// the idea wall, the themes forming, the vote's progress, the results, a message, or nothing.
// The page is a 1920×1080 stage scaled to fit, so type keeps its size relative to the screen at any resolution.
// Keys: 0 = all axes, 1-9 = one axis (wall, themes, results); ←/→ turn the page. The screen heals itself
// after any reconnect (full resync).
import { connect } from "./client.js";
import { $, axisChip, axisOf, currentPhase, currentStep, fill, h, lang, loc, phasePrompt, plural, pollLabels, pollLetter, pollOnScreen, rankingItems, roundLabel, screenFor, startClock, t, tableName, themeLabel, timerText } from "./ui.js";

const STAGE = { width: 1920, height: 1080 };
const PAGE_SECONDS = 12; // a full screen turns its pages at this pace
const PAGED = new Set(["wall", "themes", "results", "questions", "poll", "progress"]);
// The wall turns through the tables' starred ideas, then the newest, at most event.wall_cycle of them (the
// server's readmodels.WALL_CYCLE, which the phones' view of the wall also uses): a hall's 600 ideas would be a
// 15-minute cycle nobody reads. All of them are on the console, the phones and the report, and the strip above
// the cards counts them per axis.
const LENGTHS = [[280, "longest"], [160, "longer"], [80, "long"]]; // a longer idea, smaller type (app.css)
const WALL_WHOLE = 420; // characters of an idea (or a question) the screen shows; a longer one ends after its last whole word, with "…"

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
// The screen's height follows the header's (a title on two lines): its pages are laid out again.
let screenHeight = 0;
new ResizeObserver(() => {
  const height = $("#screen").clientHeight;
  if (height !== screenHeight && state.event) { screenHeight = height; render(state); }
}).observe($("#screen"));

function render(s) {
  if (!s.event) return;
  const screen = screenFor(s);
  if (screen !== shown) { shown = screen; page = 0; }
  const stage = $("#stage");
  stage.dataset.screen = screen;
  const phase = currentPhase(s);
  // one line at projector size: the round's own title when there is one ("Asse 3 · Mobilità sostenibile")
  const title = $("#phase-title");
  title.textContent = phase ? (loc(currentStep(s)?.title) || loc(phase.title)) : loc(s.event.subtitle);
  shrinkToLines(title, 2, 34);
  const st = s.stats || {};
  const stat = (n, one, many) => h("span", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#p-stats"), stat(st.participants, "participant", "participants"),
    screen === "wall" || screen === "themes" ? stat(st.ideas, "idea", "ideas") : null);
  if (!PAGED.has(screen)) $("#p-page").textContent = ""; // a paged screen sets its own (or keeps it, unchanged)
  ({ join, prompt, wall, themes, progress, results, questions, poll, message, blank })[screen](s);
}

// A long text keeps every word: its type gets smaller until it takes at most `lines` lines (CSS sets the
// line height), and past `min` pixels it takes more lines rather than lose any.
function shrinkToLines(el, lines, min) {
  el.style.fontSize = "";
  let size = parseFloat(getComputedStyle(el).fontSize);
  const lineHeight = parseFloat(getComputedStyle(el).lineHeight) / size;
  while (el.scrollHeight > lines * size * lineHeight + 2 && size > min) {
    size -= 2;
    el.style.fontSize = `${size}px`;
  }
}

// Whole rows a page. Every row is laid out at the stage's size first, and a page ends where the screen does:
// a long title takes a second line and pushes its row to the next page, never off the screen or cut.
// In a grid of columns, a page starts at the start of a grid row, so a row keeps its columns.
function pageRows(list) {
  const rows = [...list.children];
  $("#p-page").textContent = "";
  if (rows.length < 2) return;
  const screen = $("#screen");
  const limit = screen.clientHeight - parseFloat(getComputedStyle(screen).paddingBottom);
  const starts = [0];
  for (let i = 1; i < rows.length; i += 1) {
    const shift = rows[starts.at(-1)].offsetTop - rows[0].offsetTop;
    if (rows[i].offsetTop + rows[i].offsetHeight - shift <= limit) continue;
    let start = i;
    while (start > starts.at(-1) + 1 && rows[start - 1].offsetTop === rows[i].offsetTop) start -= 1;
    starts.push(start);
  }
  page %= starts.length;
  const end = starts[page + 1] ?? rows.length;
  rows.forEach((row, i) => { if (i < starts[page] || i >= end) row.remove(); });
  if (starts.length > 1) $("#p-page").textContent = `${page + 1} / ${starts.length}`;
}

// Whole items a page, for a list laid out in CSS columns (app.css: `columns`, `column-fill: auto`): the list
// gets the screen's height left, items fill the columns top to bottom as tall as each needs, and the columns
// past the screen's width are the next pages.
function pageColumns(list) {
  const screen = $("#screen");
  list.style.height = `${screen.clientHeight - parseFloat(getComputedStyle(screen).paddingBottom) - list.offsetTop}px`;
  // a page is the list's content box and one gap (its padding, room for a ballot's numbers, is no column)
  const style = getComputedStyle(list), padding = parseFloat(style.paddingLeft);
  const width = list.clientWidth - padding - parseFloat(style.paddingRight) + parseFloat(style.columnGap);
  const pageOf = (item) => Math.floor((item.offsetLeft - list.offsetLeft - padding + 1) / width);
  const items = [...list.children].map((item) => [item, pageOf(item)]); // all measured before any is taken out
  const pages = items.length ? items.at(-1)[1] + 1 : 1;
  page %= pages;
  for (const [item, on] of items) if (on !== page) item.remove();
  $("#p-page").textContent = pages > 1 ? `${page + 1} / ${pages}` : "";
}

// An idea's words on a card: whole, or up to the last whole word that fits WALL_WHOLE characters.
function wholeWords(text) {
  if (text.length <= WALL_WHOLE) return text;
  const cut = text.slice(0, WALL_WHOLE);
  const space = cut.search(/\s\S*$/);
  return `${(space > WALL_WHOLE / 2 ? cut.slice(0, space) : cut).trimEnd()} …`;
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

// The tables' starred ideas first, then the newest (event.wall_cycle in all), as whole cards a page at a time;
// above them, how many ideas each axis has gathered so far, every idea counted, which is also the key to the
// axis numbers on the cards. The cards fill three columns top to bottom (pageColumns).
function wall(s) {
  const all = [...s.ideas.values()].filter((i) => !i.gone);
  const ideas = all.filter((i) => !axisFilter || i.axis === axisFilter).sort((a, b) => b.id - a.id);
  if (!ideas.length) return fill($("#screen"), filterChip(s), h("p", { class: "p-big" }, t("wall_empty")));
  const shown = [...ideas.filter((i) => i.starred), ...ideas.filter((i) => !i.starred)].slice(0, s.event.wall_cycle);
  const perAxis = new Map();
  for (const idea of all) perAxis.set(idea.axis, (perAxis.get(idea.axis) || 0) + 1);
  const axisNumber = (id) => {
    const axis = axisOf(s.event, id);
    return axis ? h("span", { class: "chip", style: { "--axis": axis.color }, title: loc(axis.name) }, s.event.axes.indexOf(axis) + 1) : null;
  };
  const list = h("ul", { class: "p-wall" }, shown.map((idea) =>
    h("li", { class: `p-note${idea.starred ? " starred" : ""}`, style: { "--axis": axisOf(s.event, idea.axis)?.color } },
      h("p", { class: LENGTHS.find(([chars]) => idea.text.length > chars)?.[1] }, wholeWords(idea.text)),
      h("div", { class: "p-note-meta" }, idea.starred ? h("span", { class: "p-star", title: t("starred") }, "★") : null,
        axisNumber(idea.axis), h("span", {}, tableName(s.event, idea.table))))));
  fill($("#screen"), h("ul", { class: "p-axes" }, s.event.axes.map((axis, n) => h("li", {
    class: axisFilter && axis.id !== axisFilter ? "off" : "", style: { "--axis": axis.color } },
  `${n + 1} · ${loc(axis.name)} `, h("b", {}, perAxis.get(axis.id) || 0)))), list);
  pageColumns(list);
}

// The themes the theme team is forming, with how many ideas each gathers so far.
function themes(s) {
  const counts = new Map();
  for (const idea of s.ideas.values()) if (!idea.gone && idea.theme) counts.set(idea.theme, (counts.get(idea.theme) || 0) + 1);
  const list = s.themes.filter((x) => !axisFilter || x.axis === axisFilter)
    .map((x) => ({ ...x, ideas: counts.get(x.id) || 0 })).sort((a, b) => b.ideas - a.ideas || a.id - b.id);
  if (!list.length) return fill($("#screen"), filterChip(s), h("p", { class: "p-big" }, t("themes_forming")));
  fill($("#screen"), filterChip(s), h("h2", { class: "p-screen-title" }, t("themes_forming")),
    h("ul", { class: "p-themes" }, list.map((x) =>
      h("li", { style: { "--axis": axisOf(s.event, x.axis)?.color } },
        h("span", { class: "p-theme-title" }, themeLabel(s.event, x)),
        h("span", { class: "p-theme-count" }, `${x.ideas} ${plural(x.ideas, "idea", "ideas")}`)))));
  pageColumns($("#screen .p-themes"));
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
    // a long ballot turns its pages like the other lists (its numbers kept): no title cut at the screen's foot
    h("ol", { class: "p-ballot" }, ballot.map((x, i) => h("li", { value: i + 1, style: { "--axis": axisOf(s.event, x.axis)?.color } }, themeLabel(s.event, x))))));
  pageColumns($("#screen .p-ballot"));
}

function results(s) {
  if (!s.tally) return fill($("#screen"), h("p", { class: "p-big" }, t("results_soon")));
  const themesById = new Map(s.themes.map((x) => [x.id, x]));
  const list = s.tally.ranking.filter((p) => !axisFilter || themesById.get(p.theme)?.axis === axisFilter);
  const key = JSON.stringify([s.tally.round, axisFilter, page, list.map((p) => p.theme)]);
  const old = $("#screen .p-ranking");
  // The bars grow from where they were: same rows, new widths (a CSS transition animates them).
  if (old && old.dataset.key === key) {
    const byTheme = new Map(list.map((p) => [String(p.theme), p]));
    for (const row of old.children) {
      const p = byTheme.get(row.dataset.key);
      row.querySelector(".p-bar-fill").style.width = `${p.share}%`;
      row.querySelector(".p-score").textContent = p.dots;
      row.querySelector(".p-rank").textContent = p.rank;
    }
    return;
  }
  const rows = rankingItems(list.map((p) => ({ key: p.theme, rank: p.rank, label: themeLabel(s.event, themesById.get(p.theme)),
    share: p.share, score: p.dots, color: axisOf(s.event, themesById.get(p.theme)?.axis)?.color })), "projector");
  for (const bar of rows.map((row) => row.querySelector(".p-bar-fill"))) {  // from zero, on the first show
    bar.dataset.width = bar.style.width;
    bar.style.width = "0";
  }
  const ranking = h("ol", { class: "p-ranking", "data-key": key }, rows);
  const round = s.control.rounds?.find((r) => r.round === s.tally.round);
  const label = round && (round.round > 1 || round.method !== "dots") ? h("p", { class: "p-round" }, roundLabel(round)) : null;
  fill($("#screen"), filterChip(s), h("h2", { class: "p-screen-title" }, t("results")), label, ranking);
  pageRows(ranking);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    for (const bar of ranking.querySelectorAll(".p-bar-fill")) bar.style.width = bar.dataset.width;
  }));
}

// The room's questions, most supported first (pinned ones on top), a page at a time.
function questions(s) {
  const list = s.questions || [];
  if (!list.length) return fill($("#screen"), h("p", { class: "p-big" }, s.control.qa?.open ? t("ask_from_phone") : t("no_questions")));
  fill($("#screen"), h("h2", { class: "p-screen-title" }, t("questions"), s.control.qa?.open ? h("small", {}, ` · ${t("ask_from_phone")}`) : null),
    h("ol", { class: "p-questions" }, list.map((q) =>
      h("li", { class: `${q.pinned ? "pinned" : ""}${q.answered ? " answered" : ""}` },
        h("span", { class: "p-votes" }, h("span", { "aria-hidden": "true" }, "▲"), q.votes),
        h("span", { class: "p-question" }, q.pinned ? h("span", { class: "p-pin" }, t("pinned")) : "", wholeWords(q.text),
          h("small", {}, ` — ${q.name || t("anonymous")}${q.answered ? ` · ${t("answered")}${q.speaker ? ` (${q.speaker})` : ""}` : ""}`))))));
  pageRows($("#screen .p-questions"));
}

// The open poll, or the last revealed one: its question and answers, with bars once revealed.
function poll(s) {
  const current = pollOnScreen(s);
  if (!current) return fill($("#screen"), h("p", { class: "p-big" }, t("no_poll")));
  const labels = pollLabels(current);
  const res = current.results;
  fill($("#screen"), h("h2", { class: "p-screen-title" }, current.question,
    current.state === "open" ? h("small", {}, ` · ${t("answer_from_phone")}`) : null),
    current.kind === "scale" && !res ? h("p", { class: "p-lead" }, t("scale_hint")) : null,
    // above the answers, which may take more than a page
    res ? h("p", { class: "p-count p-poll-count" }, h("b", {}, res.answers), ` ${t("people_answered")}${res.mean != null ? ` · ${t("mean")} ${res.mean}` : ""}`) : null,
    h("ol", { class: "p-ranking p-poll" }, rankingItems(labels.map((label, i) => ({ rank: pollLetter(current, i), label,
      share: res?.shares[i], score: res?.counts[i] })), "projector")));
  pageRows($("#screen .p-poll"));
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
  if (!state.event || !PAGED.has(shown)) return;
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
