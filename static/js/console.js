// The console: the facilitator runs the event, the theme team clusters, the observer watches (read-only).
// Each panel is a module of its own (static/js/console/): this draws them, in the page's order, on every state.
import { hasVote, onState, state } from "./console/context.js";
import { renderAlignments } from "./console/alignments.js";
import { renderHarvests } from "./console/harvests.js";
import { pairs, renderIdeas, renderSuggestions, setupIdeaFilters } from "./console/idea-list.js";
import { renderSeats } from "./console/people.js";
import { renderPolls } from "./console/polls.js";
import { renderQuestions } from "./console/questions.js";
import { renderAgenda, renderControls } from "./console/run.js";
import { renderGlance, renderProjector } from "./console/screen.js";
import { renderTally, setupBreakdown } from "./console/tally.js";
import { renderBoard } from "./console/board.js";
import { renderGroups } from "./console/suggest.js";
import { renderThemes } from "./console/themes.js";
import "./console/links.js";
import "./console/tools.js";
import { $, currentPhase, fill, h, phaseTitle, plural, roundLabel, startClock, t } from "./ui.js";

startClock($("#clock"), () => state);
let ready = false;

// The strip at the top: the phase, the vote's state and round, and the room's numbers.
function renderHeader(s) {
  $("#phase-title").textContent = currentPhase(s) ? phaseTitle(s) : t("no_phase");
  const vote = s.control.vote;
  $("#vote-state").textContent = `${vote.state === "open" ? t("vote_open") : vote.state === "closed" ? t("vote_closed") : t("vote_not_open")}${vote.revealed ? " · " + t("results") + " ✓" : ""}`;
  $("#vote-round").textContent = roundLabel(vote);
  const st = s.stats || {};
  const stat = (n, one, many) => h("span", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#stats"), stat(st.participants, "participant", "participants"), stat(st.online, "online", "online"),
    stat(st.ideas, "idea", "ideas"), hasVote(s) ? stat(st.voters, "voter", "voters") : null);
}

onState((s) => {
  if (!s.event) return;
  if (!ready) {
    ready = true;
    setupIdeaFilters(s);
    setupBreakdown();
  }
  renderHeader(s);
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
  renderBoard(s);
  renderGroups(); // ideas grouped, hidden or merged since leave the suggested groups
  if (pairs.length) renderSuggestions(); // ideas that came after the suggestions, or merged since, show at once
});
