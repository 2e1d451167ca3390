// Questions from the room and their moderation.
import { editInline } from "../ideas.js";
import { $, h, syncList, t, tableName } from "../ui.js";
import { act, canModerate } from "./context.js";

export function renderQuestions(s) {
  const list = s.questions || [];
  const qa = s.control.qa || {};
  const pending = list.filter((q) => q.status === "pending").length;
  $("#qa-summary").textContent = `${t("questions")}: ${qa.open ? t("qa_open") : t("qa_closed")} · ${list.filter((q) => q.status === "shown").length} ${t("shown")}`
    + (pending ? ` · ${pending} ${t("to_approve")}` : "");
  if (pending && !$("#qa-box").dataset.opened) { $("#qa-box").open = true; $("#qa-box").dataset.opened = "1"; }
  if ($("#qa-open")) {
    $("#qa-open").disabled = qa.open;
    $("#qa-close").disabled = !qa.open;
    $("#qa-open").classList.toggle("primary", !qa.open);
    $("#qa-premoderated").checked = qa.premoderated;
  }
  syncList($("#qa-list"), list, {
    key: (q) => q.id,
    render: (q) => h("li", { class: `question ${q.status}${q.answered ? " answered" : ""}${q.pinned ? " pinned" : ""}` },
      h("div", { class: "question-body" },
        h("p", {}, q.pinned ? h("span", { class: "badge" }, t("pinned")) : "", " ", q.text),
        h("span", { class: "question-meta" }, `▲ ${q.votes} · ${q.name || t("anonymous")}${q.table ? ` · ${tableName(s.event, q.table)}` : ""}`,
          q.status !== "shown" ? h("span", { class: "badge" }, t(`qstatus_${q.status}`)) : null,
          q.answered ? h("span", { class: "badge ok" }, `${t("answered")}${q.speaker ? `: ${q.speaker}` : ""}`) : null)),
      canModerate ? h("div", { class: "actions" },
        q.status !== "shown" ? h("button", { class: "primary", "data-focus-key": `show-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, status: "shown" }) }, q.status === "pending" ? t("approve") : t("show")) : null,
        q.status === "hidden" ? null : h("button", { "data-focus-key": `hideq-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, status: "hidden" }) }, t("hide")),
        h("button", { "data-focus-key": `pin-${q.id}`, onclick: () => act("qa.moderate", { question: q.id, pinned: !q.pinned }) }, q.pinned ? t("unpin") : t("pin")),
        h("button", { "data-focus-key": `answered-${q.id}`, onclick: (e) => q.answered ? act("qa.moderate", { question: q.id, answered: false })
          : editInline(e.target.closest("li").querySelector(".question-meta"), "", (speaker) => act("qa.moderate", { question: q.id, answered: true, speaker }),
            { allowEmpty: true, placeholder: t("who_answered") }) }, q.answered ? t("not_answered") : t("mark_answered"))) : null),
    empty: () => h("li", { class: "muted" }, t("no_questions")),
  });
}

$("#qa-open")?.addEventListener("click", () => act("qa.set", { open: true }));
$("#qa-close")?.addEventListener("click", () => act("qa.set", { open: false }));
$("#qa-premoderated")?.addEventListener("change", (e) => act("qa.set", { premoderated: e.target.checked }));
$("#qa-staff-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const ack = await act("qa.ask", { text: e.target.text.value });
  if (ack.ok) e.target.text.value = "";
});
