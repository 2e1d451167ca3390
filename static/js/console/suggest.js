// Suggested groups (theme.suggest): the ideas not yet in a theme, proposed as groups by the server's assistant.
// Nothing is grouped without a click: a group becomes a new theme or joins an existing one, with the ideas left
// ticked; an unticked idea stays out, "split" makes the unticked ones a group of their own, "dismiss" drops it.
import { $, axisChip, h, syncList, t } from "../ui.js";
import { act, request, state } from "./context.js";

let groups = [];  // [{key, axis, ideas: [id], title, out: Set(id)}]: the server's, as the team edited them
let made = 0;

const live = (id) => { const idea = state.ideas.get(id); return idea && !idea.gone && idea.theme == null; };

export function renderGroups() {
  if (!$("#groups")) return;
  // ideas grouped since (by anyone), hidden or merged leave the suggestion; a group left with none goes
  // in place: a drawn card's buttons hold its group, which must stay the one in the list
  for (const group of groups) group.ideas = group.ideas.filter(live);
  groups = groups.filter((group) => group.ideas.length);
  $("#groups-summary").textContent = `${t("suggested_groups")}${groups.length ? ` (${groups.length})` : ""}`;
  // drawn again only when its ideas, its ticks or the themes change: a title being typed keeps its caret
  const themes = JSON.stringify(state.themes.map((theme) => [theme.id, theme.title]));
  syncList($("#groups"), groups, { key: (group) => group.key, render: card,
    signature: (group) => JSON.stringify([group.ideas, [...group.out], themes, group.ideas.map((id) => state.ideas.get(id)?.text)]) });
}

function card(group) {
  const kept = () => group.ideas.filter((id) => !group.out.has(id));
  const title = h("input", { class: "group-title", value: group.title, "data-focus-key": `title-${group.key}`, maxlength: 200, "aria-label": t("theme_title"),
    oninput: (e) => { group.title = e.target.value; make.disabled = !kept().length || !group.title.trim(); } });
  const target = h("select", { "aria-label": t("group_into_theme") },
    h("option", { value: "" }, t("into_existing_theme")),
    state.themes.map((theme) => h("option", { value: String(theme.id) }, `#${theme.id} ${theme.title}`)));
  const make = h("button", { class: "primary", disabled: !kept().length || !group.title.trim(), onclick: async () =>
    done(await act("theme.create", { title: group.title.trim(), axis: group.axis || null, ideas: kept() })) }, t("make_theme"));
  const drop = () => { groups = groups.filter((g) => g.key !== group.key); renderGroups(); };
  const done = (ack) => { if (ack.ok) drop(); };
  return h("li", { class: "group", "data-group": group.key },
    h("div", { class: "idea-meta" }, axisChip(state.event, group.axis), h("span", { class: "muted" }, `${kept().length} / ${group.ideas.length}`)),
    title,
    h("ul", { class: "group-ideas" }, group.ideas.map((id) => h("li", {},
      h("label", { class: "inline" }, h("input", { type: "checkbox", checked: !group.out.has(id), onchange: (e) => {
        if (e.target.checked) group.out.delete(id); else group.out.add(id);
        renderGroups();
      } }), ` #${id} ${state.ideas.get(id)?.text ?? ""}`)))),
    h("div", { class: "actions row" },
      make,
      target,
      h("button", { disabled: !kept().length, onclick: async () => {
        if (!target.value) return target.focus();
        done(await act("theme.group_many", { ideas: kept(), theme: Number(target.value) }));
      } }, t("add_to_theme")),
      h("button", { class: "ghost", disabled: !group.out.size || !kept().length, onclick: () => {
        const apart = group.ideas.filter((id) => group.out.has(id));
        group.ideas = kept();
        group.out = new Set();
        groups.splice(groups.indexOf(group) + 1, 0, { key: `g${made++}`, axis: group.axis, ideas: apart, out: new Set(),
          title: state.ideas.get(apart[0])?.text.slice(0, 80) ?? "" });
        renderGroups();
      } }, t("split_unticked")),
      h("button", { class: "ghost", onclick: drop }, t("dismiss"))));
}

$("#suggest-groups")?.addEventListener("click", async (event) => {
  const button = event.target;
  button.disabled = true;
  $("#groups-status").textContent = t("suggesting");
  try {
    const reply = await request("theme.suggest", {}, 120000);  // a worker makes them: seconds for a hall
    if (!reply?.ok) { $("#groups-status").textContent = reply?.error?.message || t("no_connection"); return; }
    const first = state.event.languages[0];
    groups = reply.groups.map((g) => ({ key: `g${made++}`, axis: g.axis, ideas: g.ideas, out: new Set(),
      title: g.title[first] ?? Object.values(g.title)[0] ?? "" }));
    $("#groups-status").textContent = groups.length ? "" : t("no_groups");
    $("#groups-box").open = true;
    renderGroups();
  } finally {
    button.disabled = false;
  }
});
