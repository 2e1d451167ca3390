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
          if (ack.ok) papers = papers.map((x) => (x.participant === p.participant ? { ...x, dots: ack.dots, left: ack.left } : x));
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
  papers = papers.map((p) => (p.participant === paper.participant ? { ...p, dots: ack.dots, left: ack.left } : p));
  renderPapers(state);
}

$("#add-paper").addEventListener("click", async () => {
  const ack = await act("proxy.add");
  if (ack.ok) loadPapers();
});

// Rounds at tables: the table's short note of each round (World Café, 1-2-4-All) for the theme team.
let harvestKey = null;
function renderHarvest(s) {
  const phase = currentPhase(s);
  const steps = phase?.steps || [];
  const box = $("#harvest");
  box.hidden = !steps.some((step) => step.harvest);
  if (box.hidden) return;
  const index = s.control.step;
  const mine = (s.harvests || []).filter((x) => x.table === s.table && x.phase === phase.id);
  const current = steps[index]?.harvest ? index : null;
  const form = $("#harvest-form");
  form.hidden = current == null;
  const key = `${phase.id}:${current}`;
  // a new round: the field shows that round's note (kept while being written)
  if (key !== harvestKey && document.activeElement !== form.text) {
    harvestKey = key;
    form.text.value = mine.find((x) => x.step === current)?.text || "";
  }
  $("#harvest-step").textContent = current == null ? "" : loc(steps[current].title);
  fill($("#harvest-notes"), mine.filter((x) => x.step !== current).map((x) => h("li", {}, h("strong", {}, loc(steps[x.step]?.title)), h("p", {}, x.text))));
}

$("#harvest-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const ack = await act("harvest.set", { phase: state.control.phase, step: state.control.step, text: e.target.text.value });
  if (ack.ok) $("#harvest-saved").hidden = false;
});
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
