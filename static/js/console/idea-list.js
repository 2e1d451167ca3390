// The ideas as they come in: filters, the theme team's selection, ideas per table, merge suggestions.
import { ask } from "../dialogs.js";
import { ideaItem, merging } from "../ideas.js";
import { $, $$, count, currentPhase, fill, h, loc, syncList, t, tableName, toast } from "../ui.js";
import { state, act, request, can, canCluster } from "./context.js";

// Newest first, a page at a time: a hall's 2,000 ideas drawn at once would make every update slow. "Show more"
// draws the next page; a new filter starts again from the first. Select-all means every idea the filter matches.
const PAGE = 400;
let limit = PAGE;
const refilter = () => { limit = PAGE; renderIdeas(state); };

// The filters above the list (axis, table, gone, waiting for approval, words), set up once the event is known.
export function setupIdeaFilters(s) {
  fill($("#filter-axis"), h("option", { value: "" }, t("all_axes")), s.event.axes.map((a, i) => h("option", { value: a.id }, `${i + 1} · ${loc(a.name)}`)));
  fill($("#filter-table"), h("option", { value: "" }, t("all_tables")), s.event.tables.map((x) => h("option", { value: x.id }, tableName(s.event, x.id))));
  for (const id of ["#filter-axis", "#filter-table", "#filter-gone", "#filter-held", "#filter-ungrouped", "#filter-starred"]) $(id).addEventListener("change", refilter);
  $("#filter-text").addEventListener("input", () => { refilter(); askForms(); });
  $("#ideas-show-more").addEventListener("click", () => { limit += PAGE; renderIdeas(state); });
  if ($("#group-target")) setupSelection();
}

document.addEventListener("merging", () => renderIdeas(state));
$("#ideas-premoderated")?.addEventListener("change", (e) => act("ideas.moderation", { premoderated: e.target.checked }));

// The ideas the theme team has ticked, to group them at once.
export const selected = new Set();

// Search ignores case and accents: "citta" finds "città", "perche" finds "perché" (phones type both).
const searchable = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase().trim();

// Word forms ("treno" finds "treni", "school" finds "Schools"): the server's stems, asked a moment after the
// typing stops (ideas.search, made by a worker); until the answer, and where it is not offered, the words as typed.
let forms = { q: "", ideas: new Set() };
let formsTimer = null;
function askForms() {
  clearTimeout(formsTimer);
  if (!can.has("see_everything")) return;  // staff search by word forms, the observer too
  const q = $("#filter-text").value.trim();
  if (!q) { forms = { q: "", ideas: new Set() }; return; }
  formsTimer = setTimeout(async () => {
    const reply = await request("ideas.search", { q: q.slice(0, 100) });
    if (reply?.ok && $("#filter-text").value.trim() === q) { forms = { q, ideas: new Set(reply.ideas) }; renderIdeas(state); }
  }, 300);
}

export function shownIdeas(s) {
  const axis = $("#filter-axis").value;
  const table = Number($("#filter-table").value) || null;
  const showGone = $("#filter-gone").checked;
  const onlyHeld = $("#filter-held").checked;
  const ungrouped = $("#filter-ungrouped").checked, starred = $("#filter-starred").checked;
  const typed = $("#filter-text").value.trim();
  const words = searchable(typed).split(/\s+/).filter(Boolean);
  const inForms = forms.q && forms.q === typed ? forms.ideas : null;
  return [...s.ideas.values()].filter((i) => (!axis || i.axis === axis) && (!table || i.table === table) && (showGone || !i.gone || i.held)
    && (!onlyHeld || (i.held && !i.hidden && !i.merged_into)) && (!ungrouped || !i.theme) && (!starred || i.starred)
    && (words.every((w) => searchable(i.text || "").includes(w) || `#${i.id}` === w) || inForms?.has(i.id)))
    .sort((a, b) => b.id - a.id);
}

export function renderIdeas(s) {
  const ideas = shownIdeas(s);
  const shown = Math.min(ideas.length, limit);
  const held = [...s.ideas.values()].filter((i) => i.held && !i.hidden && !i.merged_into).length;
  // the filter is offered while ideas wait, and stays (ticked, with none left) until the moderator unticks it
  const onlyHeld = $("#filter-held");
  $("#filter-held-box").hidden = !held && !onlyHeld.checked;
  $("#filter-held-label").textContent = held === 1 ? t("only_to_approve_one") : t("only_to_approve").replace("{n}", held);
  $("#idea-count").textContent = (shown < ideas.length ? `(${shown} / ${ideas.length})` : `(${ideas.length})`)
    + (held ? ` · ${held} ${t("to_approve")}` : "");
  const more = $("#ideas-show-more");
  more.hidden = shown >= ideas.length;
  more.textContent = t("show_more_ideas").replace("{n}", Math.min(PAGE, ideas.length - shown)).replace("{left}", ideas.length - shown);
  const pre = $("#ideas-premoderated");
  if (pre) pre.checked = Boolean(s.control.ideas_premoderated);
  const themes = canCluster ? s.themes : [];
  const themeNames = JSON.stringify(themes.map((x) => [x.id, x.title]));
  for (const id of [...selected]) if (!s.ideas.get(id) || s.ideas.get(id).gone) selected.delete(id);
  syncList($("#ideas"), ideas.slice(0, shown), {
    key: (idea) => idea.id,
    signature: (idea) => JSON.stringify(idea) + themeNames + merging.from + selected.has(idea.id),
    render: (idea) => ideaItem(idea, { event: s.event, act, readOnly: !canCluster, themes,
      selected: canCluster && !idea.gone ? selected.has(idea.id) : undefined, onSelect: (on) => { if (on) selected.add(idea.id); else selected.delete(idea.id); renderSelection(state); } }),
    empty: () => h("li", { class: "muted" }, t("no_ideas")),
  });
  renderSelection(s);
  renderTableCounts(s);
}

function renderSelection(s) {
  const bar = $("#selection-bar");
  if (!bar) return;
  bar.hidden = selected.size === 0;
  $("#selected-count").textContent = `${selected.size} ${t("selected")}`;
  const matching = shownIdeas(s).filter((i) => !i.gone);
  $("#select-all").checked = matching.length > 0 && matching.every((i) => selected.has(i.id));
  $("#select-all-label").textContent = t("select_all_matching").replace("{n}", matching.length);
  const target = $("#group-target");
  const wanted = JSON.stringify(s.themes.map((x) => [x.id, x.title]));
  if (target.dataset.themes !== wanted) {
    const keep = target.value;
    fill(target, h("option", { value: "" }, t("ungrouped")), s.themes.map((x) => h("option", { value: x.id }, `#${x.id} ${x.title}`)));
    target.value = keep;
    target.dataset.themes = wanted;
  }
  for (const box of $$("#ideas .select-idea")) box.checked = selected.has(Number(box.dataset.idea));
}

// A command carries at most 500 ideas: a select-all over a hall's ideas goes in as many as it takes.
export async function groupMany(ideas, theme) {
  let ack = { ok: true };
  for (let start = 0; start < ideas.length && ack.ok; start += 500) ack = await act("theme.group_many", { ideas: ideas.slice(start, start + 500), theme });
  return ack;
}

function setupSelection() {
  $("#select-all").addEventListener("change", (e) => {
    for (const idea of shownIdeas(state).filter((i) => !i.gone)) {  // every match, drawn or not yet
      if (e.target.checked) selected.add(idea.id); else selected.delete(idea.id);
    }
    renderSelection(state);
  });
  $("#group-selected").addEventListener("click", async () => {
    const theme = $("#group-target").value ? Number($("#group-target").value) : null;
    // ideas already in another theme move only if the team says so: ticking all for "biglietto" must not empty
    // the museums' theme without anyone noticing
    let ideas = [...selected];
    const elsewhere = ideas.filter((id) => { const idea = state.ideas.get(id); return idea?.theme && idea.theme !== theme; });
    if (elsewhere.length) {
      const answer = await ask({ title: t("ask_regroup_title").replace("{n}", elsewhere.length), body: t("ask_regroup_body"),
        confirm: t("regroup_move"), other: t("regroup_keep") });
      if (!answer) return;
      if (answer === "other") ideas = ideas.filter((id) => !elsewhere.includes(id));
    }
    const ack = await groupMany(ideas, theme);
    // the target goes back to none: the next group is another theme, chosen anew, never the last one by habit
    if (ack.ok) { selected.clear(); $("#group-target").value = ""; renderIdeas(state); }
  });
  $("#theme-from-selected").addEventListener("click", () => {
    $("#theme-title").focus();
    $("#theme-form").dataset.withSelection = "1";
    toast(t("theme_from_selection_hint"), "ok");
  });
  $("#clear-selected").addEventListener("click", () => { selected.clear(); renderIdeas(state); });
}

// Ideas per table: during capture, a table with phones joined and no idea for QUIET_MINUTES is flagged.
const QUIET_MINUTES = 10;
function renderTableCounts(s) {
  const counts = new Map(), last = new Map();
  for (const idea of s.ideas.values()) {
    if (idea.gone || idea.table == null) continue;
    counts.set(idea.table, (counts.get(idea.table) || 0) + 1);
    last.set(idea.table, Math.max(last.get(idea.table) || 0, idea.at || 0));
  }
  const phase = currentPhase(s);
  const capturing = phase?.kind === "capture";
  const now = Date.now() / 1000 + (s.clockOffset || 0);
  const started = (s.control.timer?.ends_at ?? now) - (phase?.minutes || 0) * 60; // near enough: the timer's start
  const joined = s.stats?.per_table || {};
  const rows = s.event.tables.filter((x) => counts.get(x.id) || joined[x.id]).map((x) => ({
    id: x.id, n: counts.get(x.id) || 0,
    quiet: capturing && joined[x.id] > 0 && now - Math.max(last.get(x.id) || 0, started) > QUIET_MINUTES * 60 }));
  // folded: a hall's thirty tables would fill the column above the ideas; the summary keeps the warning in view
  const quiet = rows.filter((row) => row.quiet).length;
  $("#table-counts-summary").textContent = `${t("ideas_per_table")} (${rows.length})${quiet ? ` · ⚠ ${t("quiet_tables").replace("{n}", quiet)}` : ""}`;
  syncList($("#table-counts"), rows, {
    key: (row) => row.id,
    render: (row) => h("li", {}, h("button", { type: "button", class: `table-count${row.quiet ? " quiet" : ""}`, "data-focus-key": `count-${row.id}`,
      title: row.quiet ? t("quiet_table") : "", onclick: () => { $("#filter-table").value = String(row.id); renderIdeas(state); } },
      `${tableName(s.event, row.id)}: ${row.n}${row.quiet ? " ⚠" : ""}`)),
  });
}

// Merge suggestions: merge a pair, or say "not the same" (remembered on this computer for this event).
const dismissed = () => new Set(JSON.parse(localStorage.getItem(`dismissed:${state.event?.id}`) || "[]"));
function dismiss(pair) {
  const all = dismissed();
  all.add(`${pair.a}-${pair.b}`);
  localStorage.setItem(`dismissed:${state.event.id}`, JSON.stringify([...all]));
}
export let pairs = [];
export function renderSuggestions() {
  const skip = dismissed();
  const live = (id) => state.ideas.get(id) && !state.ideas.get(id).gone;
  const open = pairs.filter((pair) => !skip.has(`${pair.a}-${pair.b}`) && live(pair.a) && live(pair.b));
  $("#suggest-summary").textContent = `${t("suggested_merges")} (${open.length})`;
  const text = (id) => state.ideas.get(id)?.text ?? "";
  fill($("#suggestions"), open.length ? open.map((pair) => h("li", {},
    h("p", {}, `#${pair.a} ${text(pair.a)}`), h("p", {}, `#${pair.b} ${text(pair.b)}`),
    h("div", { class: "row" },
      h("button", { onclick: async () => { const ack = await act("idea.merge", { idea: pair.b, into: pair.a }); if (ack.ok) renderSuggestions(); } }, `${t("merge_here")} #${pair.b} → #${pair.a}`),
      h("button", { class: "ghost", onclick: () => { dismiss(pair); renderSuggestions(); } }, t("not_the_same")))))
    : h("li", { class: "muted" }, t("no_similar")));
}
$("#suggest")?.addEventListener("click", async () => {
  const reply = await request("suggestions");
  if (!reply?.ok) return toast(reply?.error?.message || t("no_connection"));
  pairs = reply.pairs;
  renderSuggestions();
});
