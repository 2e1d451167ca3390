// The table facilitator's screen: capture the table's ideas, star the top ones, tidy duplicates.
import { connect, statusBar } from "./client.js";
import { WholeBallot, drawWholeBallot } from "./ballot.js";
import { bindIdeaForm, ideaItem, merging } from "./ideas.js";
import { $, currentPhase, fill, h, lang, loc, phasePrompt, phaseTitle, startClock, syncList, t, themeLabel, themeTitle } from "./ui.js";

const { state, act, request, draftSender } = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")) });
const sendIdea = draftSender("idea.add");
startClock($("#clock"), () => state);

// Paper ballots: the dots of table members without a phone, cast by the table facilitator.
let papers = [];
let papersLoaded = false;
let papersRound = null;
const drafts = new Map(); // participant -> the draft of their 100-point or ranking ballot
async function loadPapers() {
  const reply = await request("proxies");
  if (reply?.ok) { papers = reply.proxies; papersLoaded = true; renderPapers(state); }
}

function renderPapers(s) {
  const vote = s.control?.vote;
  const open = vote?.state === "open";
  $("#paper").hidden = !open;
  if (!open) return;
  if (papersRound !== vote.round) { papersRound = vote.round; papersLoaded = false; } // a new round: ballots start empty
  if (!papersLoaded) { papersLoaded = true; loadPapers(); }
  const ballot = s.themes.filter((x) => x.on_ballot);
  const { budget, cap } = vote;
  if (vote.method !== "dots") {
    // one whole ballot per person, drawn in place (each keeps its draft across redraws)
    syncList($("#papers"), papers, {
      key: (p) => p.participant,
      signature: (p) => String(p.participant),
      render: (p) => h("li", { class: "paper" }, h("div", { class: "whole-ballot" })),
      empty: () => h("li", { class: "muted" }, t("no_paper")),
    });
    for (const p of papers) {
      if (!drafts.has(p.participant)) drafts.set(p.participant, new WholeBallot(`p${p.participant}-`));
      const root = $(`#papers li[data-key="${p.participant}"] .whole-ballot`);
      drawWholeBallot(root, { event: s.event, themes: ballot, vote, mine: p.dots, ballot: drafts.get(p.participant), label: `${t("paper_ballot")} #${p.participant}`,
        send: async (payload) => {
          const ack = await act("ballot.cast", { ...payload, proxy: p.participant });
          if (ack.ok) papers = papers.map((x) => (x.participant === p.participant && !(ack.version < x.version) ? { ...x, dots: ack.dots, left: ack.left, version: ack.version } : x));
          return ack;
        } });
    }
    return;
  }
  syncList($("#papers"), papers, {
    key: (p) => p.participant,
    signature: (p) => JSON.stringify([p, ballot.map((x) => x.id), budget, cap]),
    render: (p) => h("li", { class: "paper" },
      h("h3", {}, `${t("paper_ballot")} #${p.participant} · ${t("dots_left")}: ${p.left} / ${budget}`),
      h("ul", { class: "ballot" }, ballot.map((x) => {
        const mine = p.dots[x.id] || 0;
        return h("li", { class: "ballot-item" }, h("div", { class: "ballot-text" }, themeLabel(s.event, x, "strong")),
          h("div", { class: "ballot-controls" },
            h("button", { class: "round", "aria-label": `− ${themeTitle(x)} (#${p.participant})`, "data-focus-key": `premove-${p.participant}-${x.id}`, disabled: mine === 0, onclick: () => paperDot(p, "dot.remove", x.id) }, "−"),
            h("span", { class: "my-dots" }, "●".repeat(mine) + "○".repeat(Math.max(0, cap - mine))),
            h("button", { class: "round primary", "aria-label": `+ ${themeTitle(x)} (#${p.participant})`, "data-focus-key": `pplace-${p.participant}-${x.id}`, disabled: mine >= cap || p.left === 0, onclick: () => paperDot(p, "dot.place", x.id) }, "+")));
      }))),
    empty: () => h("li", { class: "muted" }, t("no_paper")),
  });
}

async function paperDot(paper, name, theme) {
  const ack = await act(name, { theme, proxy: paper.participant });
  if (!ack.ok) return;
  // answers to quick taps come back in any order: a paper ballot keeps the newest (by version)
  papers = papers.map((p) => (p.participant === paper.participant && !(ack.version < p.version) ? { ...p, dots: ack.dots, left: ack.left, version: ack.version } : p));
  renderPapers(state);
}

$("#add-paper").addEventListener("click", async () => {
  const ack = await act("proxy.add");
  if (ack.ok) loadPapers();
});

// Rounds at tables: the table's short note of each round (World Café, 1-2-4-All) for the theme team.
// A note belongs to the round it was written in: when the facilitator starts the next round while the host
// is still typing, the field keeps the round it holds (its title says which) until the host saves or leaves
// it; then it moves on to the round in progress.
let held = null; // the round the field holds: { phase (index), id (phase id), step, key }
function renderHarvest(s) {
  const phase = currentPhase(s);
  const steps = phase?.steps || [];
  const box = $("#harvest");
  const form = $("#harvest-form");
  const writing = document.activeElement === form.text || (held && form.text.value !== held.saved);
  box.hidden = !steps.some((step) => step.harvest) && !(held && writing);
  if (box.hidden) return;
  const index = s.control.step;
  const current = steps[index]?.harvest ? index : null;
  const key = `${phase?.id}:${current}`;
  if ((!held || held.key !== key) && !(held && writing)) {
    const saved = (s.harvests || []).find((x) => x.table === s.table && x.phase === phase.id && x.step === current)?.text || "";
    held = current == null ? null : { phase: s.control.phase, id: phase.id, step: current, key, saved, title: loc(steps[current].title) };
    form.text.value = saved;
  }
  form.hidden = held == null;
  $("#harvest-step").textContent = held ? held.title : "";
  $("#harvest-earlier").hidden = !held || held.key === key;
  const mine = (s.harvests || []).filter((x) => x.table === s.table && x.phase === phase?.id);
  fill($("#harvest-notes"), mine.filter((x) => x.step !== held?.step || x.phase !== held?.id)
    .map((x) => h("li", {}, h("strong", {}, loc(steps[x.step]?.title)), h("p", {}, x.text))));
}

$("#harvest-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!held) return;
  const text = e.target.text.value;
  const ack = await act("harvest.set", { phase: held.phase, step: held.step, text });
  if (!ack.ok) return;
  held.saved = text;
  $("#harvest-saved").hidden = false;
  e.target.text.blur(); // saved: the field may move on to the round in progress
  renderHarvest(state);
});
$("#harvest-form").text.addEventListener("blur", () => renderHarvest(state));
$("#harvest-form").addEventListener("input", () => ($("#harvest-saved").hidden = true));

function render(s) {
  if (!s.event) return;
  renderPapers(s);
  const phase = currentPhase(s);
  $("#phase-title").textContent = phase ? phaseTitle(s) : t("no_phase");
  $("#phase-prompt").textContent = phase ? phasePrompt(s) : "";
  renderHarvest(s);
  $("#capture").classList.toggle("muted", phase?.kind !== "capture");
  const ideas = [...s.ideas.values()].sort((a, b) => (b.starred - a.starred) || (b.id - a.id));
  $("#count").textContent = `(${ideas.filter((i) => !i.gone).length})`;
  syncList($("#ideas"), ideas, {
    key: (idea) => idea.id,
    signature: (idea) => JSON.stringify(idea) + merging.from + JSON.stringify((s.alignments || []).filter((m) => m.idea === idea.id)),
    render: (idea) => ideaItem(idea, { event: s.event, act, showTable: false, marks: s.alignments || [] }),
    empty: () => h("li", { class: "muted" }, t("no_ideas")),
  });
}

bindIdeaForm($("#idea-form"), sendIdea);
document.addEventListener("merging", () => render(state));
