// Polls: create, open (one at a time), close, show the results to the room; results are live for staff.
import { $, h, pollLabels, pollLetter, rankingItems, syncList, t } from "../ui.js";
import { state, act, canRun } from "./context.js";

export function renderPolls(s) {
  const list = s.polls || [];
  const open = list.find((p) => p.state === "open");
  $("#polls-summary").textContent = `${t("polls")}${open ? `: ${open.question} (${t("poll_open")})` : ` (${list.length})`}`;
  syncList($("#poll-list"), [...list].reverse(), {
    key: (p) => p.id,
    render: (p) => {
      const labels = pollLabels(p);
      return h("li", { class: `poll ${p.state}` },
        h("p", {}, h("strong", {}, p.question), " ", h("span", { class: "badge" }, t(`poll_${p.state}`)),
          p.revealed ? h("span", { class: "badge ok" }, t("results")) : null,
          p.results ? h("span", { class: "muted" }, ` ${p.results.answers} ${t("people_answered")}${p.results.mean != null ? ` · ${t("mean")} ${p.results.mean}` : ""}`) : null),
        p.results ? h("ol", { class: "ranking" }, rankingItems(labels.map((label, i) => ({ rank: pollLetter(p, i), label,
          share: p.results.shares[i], score: p.results.counts[i] })), "wide")) : null,
        canRun ? h("div", { class: "actions" },
          p.state !== "open" ? h("button", { class: p.state === "draft" ? "primary" : "", "data-focus-key": `popen-${p.id}`, onclick: () => act("poll.change", { poll: p.id, state: "open" }) }, t("open_poll")) : null,
          p.state === "open" ? h("button", { class: "primary", "data-focus-key": `pclose-${p.id}`, onclick: () => act("poll.change", { poll: p.id, state: "closed" }) }, t("close_poll")) : null,
          p.state !== "draft" ? h("button", { "data-focus-key": `preveal-${p.id}`, onclick: () => act("poll.change", { poll: p.id, revealed: !p.revealed }) }, p.revealed ? t("hide_results") : t("reveal")) : null) : null);
    },
    empty: () => h("li", { class: "muted" }, "—"),
  });
}

$("#poll-kind")?.addEventListener("change", (e) => { $("#poll-options").disabled = e.target.value === "scale"; });
$("#poll-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const options = form.kind.value === "scale" ? [] : form.options.value.split("\n").map((x) => x.trim()).filter(Boolean);
  const ack = await act("poll.create", { question: form.question.value, kind: form.kind.value, options });
  if (ack.ok) { form.question.value = ""; form.options.value = ""; }
});
