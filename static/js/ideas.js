// The moderated idea list shared by the table (scribe) screen and the console.
import { axisChip, h, t, tableName, toast } from "./ui.js";

// The idea form of the phone and of the table screen: one submission at a time, cleared once stored.
export function bindIdeaForm(form, sendIdea, onSent = () => {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const ack = await sendIdea({ text: form.text.value, axis: form.axis.value, kind: form.kind.value });
    button.disabled = false;
    if (!ack.ok) return;
    form.text.value = "";
    toast(t("sent"), "ok");
    onSent();
  });
}

// `act` is the client's send-and-report (client.js).
export function ideaItem(idea, { event, act, readOnly = false, themes = [], showTable = true }) {
  const status = idea.merged_into ? `${t("merged")} #${idea.merged_into}` : idea.hidden ? t("hidden") : "";
  const actions = readOnly ? null : h("div", { class: "actions" },
    h("button", { onclick: () => act("idea.star", { idea: idea.id, starred: !idea.starred }) }, idea.starred ? t("unstar") : `★ ${t("star")}`),
    h("button", {
      onclick: () => {
        const text = prompt(t("edit_prompt"), idea.text);
        if (text !== null && text !== idea.text) act("idea.edit", { idea: idea.id, text });
      },
    }, t("edit")),
    h("button", { onclick: () => act("idea.hide", { idea: idea.id, hidden: !idea.hidden }) }, idea.hidden ? t("show") : t("hide")),
    idea.merged_into ? null : h("button", {
      onclick: () => {
        const into = parseInt(prompt(t("merge_prompt")) || "", 10);
        if (into) act("idea.merge", { idea: idea.id, into });
      },
    }, t("merge")),
    themes.length && !idea.merged_into ? h("select", {
      "aria-label": t("group_into"),
      onchange: (e) => act("theme.group", { idea: idea.id, theme: e.target.value ? Number(e.target.value) : null }),
    }, h("option", { value: "" }, `${t("group_into")} (${t("ungrouped")})`),
      themes.map((theme) => h("option", { value: theme.id, selected: theme.id === idea.theme }, `#${theme.id} ${theme.title}`))) : null);
  return h("li", { class: `idea${idea.starred ? " starred" : ""}${status ? " gone" : ""}`, "data-idea": idea.id },
    h("div", { class: "idea-meta" }, h("span", { class: "idea-id" }, `#${idea.id}`), axisChip(event, idea.axis),
      h("span", { class: "kind" }, t(idea.kind)), showTable && idea.table ? h("span", { class: "where" }, tableName(event, idea.table)) : null,
      status ? h("span", { class: "badge" }, status) : null,
      idea.original ? h("span", { class: "badge edited", title: `${t("original")}: ${idea.original}` }, t("edited")) : null),
    h("p", {}, idea.text), actions);
}
