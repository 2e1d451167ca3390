// The table facilitator's screen: capture the table's ideas, star the top ones, tidy duplicates.
import { connect, statusBar } from "./client.js";
import { bindIdeaForm, ideaItem, merging } from "./ideas.js";
import { $, currentPhase, h, lang, loc, startClock, syncList, t } from "./ui.js";

const { state, act, draftSender } = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")) });
const sendIdea = draftSender("idea.add");
startClock($("#clock"), () => state);

function render(s) {
  if (!s.event) return;
  const phase = currentPhase(s);
  $("#phase-title").textContent = phase ? loc(phase.title) : t("no_phase");
  $("#phase-prompt").textContent = phase ? loc(phase.prompt) : "";
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
