// The themes the theme team forms, their translations, and the ballot.
import { ask } from "../dialogs.js";
import { alignmentBox, editInline } from "../ideas.js";
import { groupMany, renderIdeas, selected } from "./idea-list.js";
import { $, $$, axisChip, h, lang, syncList, t } from "../ui.js";
import { state, act, canCluster } from "./context.js";

export function renderThemes(s) {
  const ideasOf = (theme) => [...s.ideas.values()].filter((i) => i.theme === theme.id && !i.gone);
  const frozen = s.control.vote.state !== "not_open";
  syncList($("#themes"), s.themes, {
    key: (theme) => theme.id,
    signature: (theme) => JSON.stringify([theme, frozen, ideasOf(theme).map((i) => [i.id, i.text]), (s.alignments || []).filter((m) => m.theme === theme.id)]),
    empty: () => h("li", { class: "muted" }, t("no_themes")),
    render: (theme) => h("li", { class: `theme${theme.on_ballot ? " on-ballot" : ""}` },
    h("div", { class: "idea-meta" }, h("span", { class: "idea-id" }, `#${theme.id}`), axisChip(s.event, theme.axis),
      theme.on_ballot ? h("span", { class: "badge ok" }, t("on_ballot")) : null,
      // regrouping took every idea out: off the ballot and the report until ideas come back
      theme.emptied ? h("span", { class: "badge warn emptied", title: t("emptied_theme_hint") }, t("emptied_theme")) : null),
    h("strong", { lang: s.event.languages[0] }, theme.title),
    // The title in the plan's other languages: written by the theme team, or flagged as missing.
    s.event.languages.slice(1).map((other) => h("div", { class: `translation${theme.titles?.[other] ? "" : " missing"}`, lang: other },
      h("span", { class: "lang-tag" }, other.toUpperCase()), " ",
      h("span", { class: "translation-text" }, theme.titles?.[other] || t("not_translated")),
      canCluster ? h("button", { class: "ghost small", "data-focus-key": `translate-${theme.id}-${other}`, disabled: frozen && theme.on_ballot,
        onclick: (e) => editInline(e.target.closest(".translation").querySelector(".translation-text"), theme.titles?.[other] || "",
          (text) => act("theme.update", { theme: theme.id, titles: { [other]: text } })) }, t("edit")) : null)),
    canCluster && s.event.zones.length ? alignmentBox(s.event, { theme: theme.id }, s.alignments || [], act) : null,
    canCluster ? h("div", { class: "actions" },
      h("button", { "data-focus-key": `ballot-${theme.id}`, disabled: frozen, onclick: () => act("theme.ballot", { theme: theme.id, on_ballot: !theme.on_ballot }) },
        theme.on_ballot ? t("remove_from_ballot") : t("add_to_ballot")),
      h("button", { disabled: frozen && theme.on_ballot, onclick: (e) => editInline(e.target.closest("li").querySelector("strong"), theme.title, (title) => act("theme.update", { theme: theme.id, title })) }, t("rename")),
      h("button", { class: "ghost", disabled: frozen && theme.on_ballot, onclick: async () => {
        if (await ask({ title: `${t("delete")}: ${theme.title}`, body: t("ask_delete_theme_body"), confirm: t("delete"), danger: true })) act("theme.delete", { theme: theme.id });
      } }, t("delete"))) : null,
    // under the buttons, in a box of its own height: the ballot's toggles never sit below a long list of ideas
    h("ul", { class: "theme-ideas", "aria-label": `${ideasOf(theme).length} ${t("ideas")}` }, ideasOf(theme).map((i) => h("li", {}, `#${i.id} ${i.text}`)))),
  });
}

$("#theme-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  // "New theme from these…": the ticked ideas go into the new theme at once
  const ideas = form.dataset.withSelection ? [...selected] : [];
  const titles = Object.fromEntries($$("[data-title-lang]", form).filter((f) => f.value.trim()).map((f) => [f.dataset.titleLang, f.value]));
  let ack = await act("theme.create", { title: form.title.value, titles, axis: form.axis.value || null, ideas: ideas.slice(0, 500) });
  if (ack.ok && ideas.length > 500) ack = await groupMany(ideas.slice(500), ack.theme);
  if (ack.ok) {
    form.title.value = "";
    for (const field of $$("[data-title-lang]", form)) field.value = "";
    if (ideas.length) { selected.clear(); delete form.dataset.withSelection; renderIdeas(state); }
  }
});
