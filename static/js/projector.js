// The room projector (read-only): join QR, live idea wall filtered by axis, vote progress, revealed results.
// Keys: 0 = all axes, 1-9 = one axis. The screen heals itself after any reconnect (full resync).
import { connect, statusBar } from "./client.js";
import { $, axisChip, axisOf, currentPhase, fill, h, lang, loc, plural, startClock, syncList, t, tableName } from "./ui.js";

const { state } = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")) });
startClock($("#clock"), () => state);
let axisFilter = new URLSearchParams(location.search).get("axis") || "";

function render(s) {
  if (!s.event) return;
  const phase = currentPhase(s);
  $("#phase-title").textContent = phase ? loc(phase.title) : loc(s.event.subtitle);
  const st = s.stats || {};
  const stat = (n, one, many) => h("div", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#stats"), stat(st.participants, "participant", "participants"), stat(st.ideas, "idea", "ideas"),
    s.control.vote.state !== "not_open" ? stat(st.voters, "voter", "voters") : null);
  fill($("#axis-filter"), axisFilter ? axisChip(s.event, axisFilter) : null);
  if (s.tally) return renderResults(s);
  if (s.control.vote.state === "open") return renderVoting(s);
  if (phase?.kind === "capture" || phase?.kind === "clustering") return renderWall(s);
  if (phase?.kind === "results" || s.control.vote.state === "closed") return fill($("#stage"), h("p", { class: "big-message" }, t("results_hidden")));
  renderWall(s);
}

function renderWall(s) {
  const ideas = [...s.ideas.values()].filter((i) => !i.gone && (!axisFilter || i.axis === axisFilter)).sort((a, b) => b.id - a.id).slice(0, 60);
  if (!ideas.length) return fill($("#stage"), h("p", { class: "big-message" }, t("join_title")));
  // The wall stays in place between updates: only new or changed notes are drawn.
  let wall = $("#stage > .wall");
  if (!wall) fill($("#stage"), (wall = h("ul", { class: "wall" })));
  syncList(wall, ideas, {
    key: (idea) => idea.id,
    render: (idea) => h("li", { class: `note${idea.starred ? " starred" : ""}`, style: { "--axis": axisOf(s.event, idea.axis)?.color } },
      h("p", {}, idea.text), h("div", { class: "note-meta" }, axisChip(s.event, idea.axis), h("span", {}, tableName(s.event, idea.table)))),
  });
}

function renderVoting(s) {
  const ballot = s.themes.filter((x) => x.on_ballot);
  fill($("#stage"), h("div", { class: "voting" }, h("p", { class: "big-message" }, t("vote_now")),
    h("ul", { class: "ballot-list" }, ballot.map((x) => h("li", {}, axisChip(s.event, x.axis), " ", x.title)))));
}

function renderResults(s) {
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  const list = s.tally.ranking.filter((p) => !axisFilter || themes.get(p.theme)?.axis === axisFilter);
  const max = Math.max(1, ...list.map((p) => p.dots));
  fill($("#stage"), h("div", {}, h("h2", { class: "results-title" }, t("results")),
    h("ol", { class: "ranking big" }, list.map((p) => h("li", {}, h("span", { class: "rank" }, p.rank),
      h("span", { class: "title" }, themes.get(p.theme)?.title ?? ""),
      h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: { width: `${(100 * p.dots) / max}%`, background: axisOf(s.event, themes.get(p.theme)?.axis)?.color } })),
      h("span", { class: "score" }, p.dots))))));
}

document.addEventListener("keydown", (event) => {
  if (!state.event || !/^[0-9]$/.test(event.key)) return;
  const n = Number(event.key);
  axisFilter = n === 0 ? "" : state.event.axes[n - 1]?.id ?? axisFilter;
  render(state);
});
