// The console: the facilitator runs the event, the theme team clusters, the observer watches (read-only).
import { connect, statusBar } from "./client.js";
import { ideaItem } from "./ideas.js";
import { $, $$, axisChip, count, currentPhase, fill, h, lang, loc, plural, startClock, syncList, t, tableName, toast } from "./ui.js";

const role = document.body.dataset.role;
const canRun = role === "facilitator";
const canCluster = role === "facilitator" || role === "theme";
const showAlert = (alert) => {
  const box = $("#alert");
  box.textContent = t(`alert_${alert.code}`);
  box.hidden = false;
};
const { state, act, request } = connect({ token: document.body.dataset.token, lang, onState: render, onStatus: statusBar($("#status")), onAlert: showAlert });
startClock($("#clock"), () => state);
let filtersReady = false;
const MAX_SHOWN = 400; // newest first; filters by axis or table reach the rest

function render(s) {
  if (!s.event) return;
  if (!filtersReady) setupFilters(s);
  const phase = currentPhase(s);
  $("#phase-title").textContent = phase ? loc(phase.title) : t("no_phase");
  const vote = s.control.vote;
  $("#vote-state").textContent = `${vote.state === "open" ? t("vote_open") : vote.state === "closed" ? t("vote_closed") : t("vote_not_open")}${vote.revealed ? " · " + t("results") + " ✓" : ""}`;
  const st = s.stats || {};
  const stat = (n, one, many) => h("span", {}, h("b", {}, n ?? 0), ` ${plural(n ?? 0, one, many)}`);
  fill($("#stats"), stat(st.participants, "participant", "participants"), stat(st.online, "online", "online"),
    stat(st.ideas, "idea", "ideas"), stat(st.voters, "voter", "voters"));
  renderSeats(s);
  renderAgenda(s);
  renderIdeas(s);
  renderThemes(s);
  renderTally(s);
}

// Phones joined per table against its capacity; a table with a burst of joins or refused joins is flagged,
// because one person minting voters shows up there first.
function renderSeats(s) {
  const seats = s.seats;
  if (!seats) return;
  const joined = seats.tables.reduce((n, x) => n + x.joined, 0);
  const places = seats.tables.reduce((n, x) => n + x.capacity, 0);
  const flagged = seats.tables.filter((x) => x.burst).length;
  $("#seats-summary").textContent = `${t("seats")}: ${joined} / ${places}` + (flagged ? ` · ⚠ ${flagged} ${t("seats_check")}` : "")
    + (seats.online_refused ? ` · ${seats.online_refused} ${t("seats_refused_online")}` : "");
  const box = $("#seats-box");
  if (flagged && !box.dataset.opened) { box.open = true; box.dataset.opened = "1"; }
  const headroom = $("#headroom");
  if (headroom && document.activeElement !== headroom) headroom.value = seats.headroom;
  syncList($("#seats"), seats.tables, {
    key: (x) => x.id,
    signature: (x) => JSON.stringify(x),
    render: (x) => h("li", { class: `seat${x.burst ? " burst" : ""}${x.joined >= x.capacity ? " full" : ""}`,
      title: `${x.joined} / ${x.capacity} ${t("seats_places")} · ${x.last_minute} ${t("seats_last_minute")} · ${x.refused} ${t("seats_refused")}${x.burst ? " · " + t("seats_burst") : ""}` },
      h("b", {}, tableName(s.event, x.id)), ` ${x.joined}/${x.capacity}`, x.burst ? " ⚠" : ""),
  });
}

function renderAgenda(s) {
  const phases = s.event.agenda.map((phase, index) => ({ phase, index, current: index === s.control.phase }));
  syncList($("#agenda"), phases, {
    key: (x) => x.index,
    render: ({ phase, index, current }) => h("li", { class: current ? "current" : "" },
      h("span", {}, `${loc(phase.title)} · ${phase.minutes} ${t("min")}`),
      canRun ? h("button", { onclick: () => confirm(t("confirm_phase")) && act("phase.start", { phase: index }) },
        current ? t("current") : t("start")) : null),
  });
}

$("#headroom-form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  act("seats.headroom", { seats: Number($("#headroom").value) });
});

function setupFilters(s) {
  filtersReady = true;
  fill($("#filter-axis"), h("option", { value: "" }, t("all_axes")), s.event.axes.map((a, i) => h("option", { value: a.id }, `${i + 1} · ${loc(a.name)}`)));
  fill($("#filter-table"), h("option", { value: "" }, t("all_tables")), s.event.tables.map((x) => h("option", { value: x.id }, tableName(s.event, x.id))));
  for (const id of ["#filter-axis", "#filter-table", "#filter-gone"]) $(id).addEventListener("change", () => renderIdeas(state));
  const dims = ["overall", "by_axis", "by_table", "by_channel", "by_category", "by_zone"];
  fill($("#breakdown"), dims.map((d) => h("option", { value: d }, t(d))));
  $("#breakdown").addEventListener("change", () => renderTally(state));
}

function renderIdeas(s) {
  const axis = $("#filter-axis").value;
  const table = Number($("#filter-table").value) || null;
  const showGone = $("#filter-gone").checked;
  const ideas = [...s.ideas.values()].filter((i) => (!axis || i.axis === axis) && (!table || i.table === table) && (showGone || !i.gone))
    .sort((a, b) => b.id - a.id);
  const shown = Math.min(ideas.length, MAX_SHOWN);
  $("#idea-count").textContent = shown < ideas.length ? `(${shown} / ${ideas.length} · ${t("filter_to_see_more")})` : `(${ideas.length})`;
  const themes = canCluster ? s.themes : [];
  const themeNames = JSON.stringify(themes.map((x) => [x.id, x.title]));
  syncList($("#ideas"), ideas.slice(0, MAX_SHOWN), {
    key: (idea) => idea.id,
    signature: (idea) => JSON.stringify(idea) + themeNames,
    render: (idea) => ideaItem(idea, { event: s.event, act, readOnly: !canCluster, themes }),
    empty: () => h("li", { class: "muted" }, t("no_ideas")),
  });
}

function renderThemes(s) {
  const ideasOf = (theme) => [...s.ideas.values()].filter((i) => i.theme === theme.id && !i.gone);
  const frozen = s.control.vote.state !== "not_open";
  syncList($("#themes"), s.themes, {
    key: (theme) => theme.id,
    signature: (theme) => JSON.stringify([theme, frozen, ideasOf(theme).map((i) => [i.id, i.text])]),
    empty: () => h("li", { class: "muted" }, t("no_themes")),
    render: (theme) => h("li", { class: `theme${theme.on_ballot ? " on-ballot" : ""}` },
    h("div", { class: "idea-meta" }, h("span", { class: "idea-id" }, `#${theme.id}`), axisChip(s.event, theme.axis),
      theme.on_ballot ? h("span", { class: "badge ok" }, t("on_ballot")) : null),
    h("strong", {}, theme.title),
    h("ul", { class: "theme-ideas" }, ideasOf(theme).map((i) => h("li", {}, `#${i.id} ${i.text}`))),
    canCluster ? h("div", { class: "actions" },
      h("button", { disabled: frozen, onclick: () => act("theme.ballot", { theme: theme.id, on_ballot: !theme.on_ballot }) },
        theme.on_ballot ? t("remove_from_ballot") : t("add_to_ballot")),
      h("button", { onclick: () => { const title = prompt(t("theme_title_prompt"), theme.title); if (title) act("theme.update", { theme: theme.id, title }); } }, t("edit")),
      h("button", { class: "ghost", disabled: frozen && theme.on_ballot, onclick: () => act("theme.delete", { theme: theme.id }) }, t("delete"))) : null),
  });
}

function places(s, list) {
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  const max = Math.max(1, ...list.map((p) => p.dots));
  return h("ol", { class: "ranking" }, list.map((p) => h("li", {},
    h("span", { class: "rank" }, p.rank), h("span", { class: "title" }, themes.get(p.theme)?.title ?? `#${p.theme}`),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: { width: `${(100 * p.dots) / max}%` } })),
    h("span", { class: "score" }, p.dots))));
}

function groupLabel(s, dim, key) {
  if (dim === "by_axis") return loc(s.event.axes.find((a) => a.id === key)?.name);
  if (dim === "by_table") return tableName(s.event, Number(key));
  if (dim === "by_channel") return key === "online" ? t("online") : t("room");
  const list = dim === "by_category" ? s.event.categories : s.event.zones;
  return loc(list.find((x) => x.id === key)?.name) || t("unknown");
}

function renderTally(s) {
  const tally = s.tally;
  if (!tally) return fill($("#tally"), h("p", { class: "muted" }, t("results_hidden")));
  $("#voters").textContent = `${count(tally.voters, "voter", "voters")} · ${count(tally.dots, "dot", "dots")}`;
  const dim = $("#breakdown").value || "overall";
  if (dim === "overall") return fill($("#tally"), places(s, tally.ranking));
  const groups = Object.entries(tally[dim] || {});
  fill($("#tally"), groups.map(([key, list]) => h("div", { class: "group" },
    h("h3", {}, groupLabel(s, dim, key)), places(s, list.filter((p) => p.dots > 0 || dim === "by_axis")))));
}

for (const button of $$("[data-cmd]")) {
  button.addEventListener("click", () => {
    const { cmd, seconds, revealed, confirm: ask } = button.dataset;
    if (ask && !confirm(t(ask))) return;
    const payload = seconds ? { seconds: Number(seconds) } : revealed ? { revealed: revealed === "true" } : {};
    act(cmd, payload);
  });
}

$("#theme-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await act("theme.create", { title: form.title.value, axis: form.axis.value || null });
  if (ack.ok) form.title.value = "";
});

$("#suggest")?.addEventListener("click", async () => {
  const reply = await request("suggestions");
  if (!reply?.ok) return toast(reply?.error?.message || t("no_connection"));
  const text = (id) => state.ideas.get(id)?.text ?? "";
  fill($("#suggestions"), reply.pairs.length ? reply.pairs.map((pair) => h("li", {},
    h("p", {}, `#${pair.a} ${text(pair.a)}`), h("p", {}, `#${pair.b} ${text(pair.b)}`),
    h("button", { onclick: () => act("idea.merge", { idea: pair.b, into: pair.a }) }, `${t("merge")} #${pair.b} → #${pair.a}`)))
    : h("li", { class: "muted" }, t("no_similar")));
});
