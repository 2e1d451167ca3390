// The moderated idea list shared by the table (scribe) screen and the console.
import { axisChip, h, loc, originTable, t, tableName, toast } from "./ui.js";

// Edit a text in place: the text becomes a field with Save and Cancel (Enter saves a one-line field,
// Ctrl+Enter a longer one; Esc cancels). `save(text)` is called only when the text changed.
export function editInline(el, value, save, { multiline = false, allowEmpty = false, placeholder = "" } = {}) {
  const field = h(multiline ? "textarea" : "input", { class: "inline-field", "aria-label": placeholder || t("edit"), placeholder: placeholder || false, rows: multiline ? 3 : false });
  field.value = value;
  const restore = [...el.childNodes];
  const finish = (text) => {
    el.classList.remove("editing");
    el.replaceChildren(...restore);
    if (text !== null && (allowEmpty || (text.trim() && text.trim() !== value.trim()))) save(text.trim());
  };
  const form = h("span", { class: "inline-edit" }, field,
    h("button", { type: "button", class: "primary", onclick: () => finish(field.value) }, t("save")),
    h("button", { type: "button", class: "ghost", onclick: () => finish(null) }, t("cancel")));
  field.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); finish(null); }
    else if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) { e.preventDefault(); finish(field.value); }
  });
  el.classList.add("editing");
  el.replaceChildren(form);
  field.focus();
  field.select?.();
}

// Click-to-merge: "Merge…" on an idea, then "Merge here" on the idea it repeats (or Cancel). Screens listen
// to the "merging" event to redraw their lists.
export const merging = { from: null };
export function setMerging(id) {
  merging.from = id;
  document.dispatchEvent(new CustomEvent("merging"));
}

// The idea form of the phone and of the table screen: one submission at a time, cleared once stored.
// `onSent` replaces the "sent" toast when the screen says it in its own way (the phone's saved note).
export function bindIdeaForm(form, sendIdea, onSent = null) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const ack = await sendIdea({ text: form.text.value, axis: form.axis.value, kind: form.kind.value });
    button.disabled = false;
    if (!ack.ok) return;
    form.text.value = "";
    if (onSent) onSent(ack);
    else toast(t("sent"), "ok");
  });
}

// `act` is the client's send-and-report (client.js).
// `selected` (true/false) adds a tick box for grouping many ideas at once; `onSelect(on)` hears it.
export function ideaItem(idea, { event, act, readOnly = false, themes = [], showTable = true, selected, onSelect, marks }) {
  const status = idea.merged_into ? `${t("merged")} #${idea.merged_into}` : idea.hidden ? t("hidden") : idea.held ? t("qstatus_pending") : "";
  const actions = readOnly ? null : h("div", { class: "actions" },
    idea.held ? h("button", { class: "primary", "data-focus-key": `approve-${idea.id}`, onclick: () => act("idea.approve", { idea: idea.id }) }, t("approve")) : null,
    h("button", { "data-focus-key": `star-${idea.id}`, onclick: () => act("idea.star", { idea: idea.id, starred: !idea.starred }) }, idea.starred ? t("unstar") : `★ ${t("star")}`),
    h("button", { "data-focus-key": `edit-${idea.id}`, onclick: (e) => editInline(e.target.closest("li").querySelector(".idea-text"), idea.text, (text) => act("idea.edit", { idea: idea.id, text }), { multiline: true }) }, t("edit")),
    h("button", { "data-focus-key": `hide-${idea.id}`, onclick: () => act("idea.hide", { idea: idea.id, hidden: !idea.hidden }) }, idea.hidden ? t("show") : t("hide")),
    idea.merged_into ? null
      : merging.from === idea.id ? h("button", { class: "ghost", onclick: () => setMerging(null) }, t("cancel_merge"))
      : merging.from && !idea.gone ? h("button", { class: "primary", onclick: () => { act("idea.merge", { idea: merging.from, into: idea.id }); setMerging(null); } }, `${t("merge_here")} (#${merging.from} → #${idea.id})`)
      : h("button", { "data-focus-key": `merge-${idea.id}`, onclick: () => setMerging(idea.id) }, t("merge")),
    themes.length && !idea.merged_into ? h("select", {
      "aria-label": t("group_into"), "data-focus-key": `group-${idea.id}`,
      onchange: (e) => act("theme.group", { idea: idea.id, theme: e.target.value ? Number(e.target.value) : null }),
    }, h("option", { value: "" }, `${t("group_into")} (${t("ungrouped")})`),
      themes.map((theme) => h("option", { value: theme.id, selected: theme.id === idea.theme }, `#${theme.id} ${theme.title}`))) : null);
  return h("li", { class: `idea${idea.starred ? " starred" : ""}${status ? " gone" : ""}${idea.held ? " held" : ""}${merging.from === idea.id ? " merging" : ""}`, "data-idea": idea.id },
    h("div", { class: "idea-meta" },
      selected === undefined ? null : h("input", { type: "checkbox", class: "select-idea", "data-idea": idea.id, "data-focus-key": `select-${idea.id}`,
        checked: selected, "aria-label": `${t("select")} #${idea.id}`, onchange: (e) => onSelect(e.target.checked) }),
      h("span", { class: "idea-id" }, `#${idea.id}`), axisChip(event, idea.axis),
      h("span", { class: "kind" }, t(idea.kind)), showTable && idea.table ? h("span", { class: "where" }, tableName(event, idea.table)) : null,
      idea.origin ? h("span", { class: "badge origin", title: t("imported_from").replace("{event}", idea.origin.event) },
        `${idea.origin.event}${idea.origin.table ? ` · ${originTable(idea.origin.table)}` : ""}`) : null,
      status ? h("span", { class: "badge" }, status) : null,
      idea.original ? h("span", { class: "badge edited", title: `${t("original")}: ${idea.original}` }, t("edited")) : null),
    h("p", { class: "idea-text" }, idea.text), actions,
    marks && !idea.gone && event.zones.length ? alignmentBox(event, { idea: idea.id }, marks, act) : null);
}

// Marks against the zones' local plans (alignment.set): chips for the marks made, and a small form to add,
// change or remove one. `target` is {idea} or {theme}.
const VERDICT_SIGN = { aligned: "✓", partly: "≈", misaligned: "✗" };
export function alignmentBox(event, target, marks, act) {
  const mine = marks.filter((m) => (target.idea ? m.idea === target.idea : m.theme === target.theme));
  const zoneName = (id) => loc(event.zones.find((z) => z.id === id)?.name) || id;
  const chips = mine.map((m) => h("span", { class: `align-chip ${m.verdict}`, title: `${t(`verdict_${m.verdict}`)}${m.note ? ` — ${m.note}` : ""}` },
    `${VERDICT_SIGN[m.verdict]} ${zoneName(m.zone)}`));
  const form = h("form", { class: "align-form", hidden: true },
    h("select", { name: "zone", "aria-label": t("zone") }, event.zones.map((z) => h("option", { value: z.id }, loc(z.name)))),
    h("select", { name: "verdict", "aria-label": t("verdict") }, ["aligned", "partly", "misaligned", ""].map((v) =>
      h("option", { value: v }, v ? `${VERDICT_SIGN[v]} ${t(`verdict_${v}`)}` : t("verdict_none")))),
    h("input", { name: "note", maxlength: 300, placeholder: t("alignment_note"), "aria-label": t("alignment_note") }),
    h("button", { type: "submit", class: "primary" }, t("save")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ack = await act("alignment.set", { ...target, zone: form.zone.value, verdict: form.verdict.value || null, note: form.note.value || null });
    if (ack.ok) form.hidden = true;
  });
  const open = h("button", { type: "button", class: "ghost small", "data-focus-key": `align-${target.idea || `t${target.theme}`}`,
    onclick: () => { form.hidden = !form.hidden; if (!form.hidden) form.zone.focus(); } }, t("alignment_mark"));
  return h("div", { class: "alignment" }, chips, open, form);
}
