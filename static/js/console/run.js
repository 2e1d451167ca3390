// Running the event: the agenda and its next step, the timer, and the vote's rounds.
import { ask } from "../dialogs.js";
import { $, $$, currentPhase, fill, h, loc, syncList, t, themeTitle } from "../ui.js";
import { state, act, canRun, hasVote } from "./context.js";

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

export function renderAgenda(s) {
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
export function renderControls(s) {
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

for (const button of $$("[data-cmd]")) {
  button.addEventListener("click", async () => {
    const { cmd, seconds, revealed, reopen, ask: question } = button.dataset;
    if (question && !(await ask(ASKS[question]()))) return;
    const payload = seconds ? { seconds: Number(seconds) } : revealed ? { revealed: revealed === "true" } : reopen ? { reopen: true } : {};
    act(cmd, payload);
  });
}
