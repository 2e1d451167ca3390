// The room's screen: what it shows now (at a glance and in the projector panel), and the facilitator's choice.
import { $, h, SCREENS, screenFor, syncList, t, themeTitle } from "../ui.js";
import { act } from "./context.js";

export function renderGlance(s) {
  const now = screenFor(s);
  $("#glance-projector").textContent = `${t("on_projector")}: ${t(`screen_${now}`)}`;
  const themes = new Map(s.themes.map((x) => [x.id, x]));
  const top = (s.tally?.ranking || []).slice(0, 3).map((p) => `${p.rank}. ${themeTitle(themes.get(p.theme))} (${p.dots})`);
  $("#glance-ranking").textContent = top.length && s.tally.dots ? `${t("ranking")}: ${top.join(" · ")}` : "";
}

// What the room sees right now, and (facilitator) the choice of what it sees: one button per screen.
export function renderProjector(s) {
  const chosen = s.control.projector?.screen || "auto";
  const now = screenFor(s);
  const hidden = now === "results" && !s.control.vote.revealed;
  $("#projector-now").textContent = `${t(`screen_${now}`)}${chosen === "auto" ? ` · ${t("screen_auto")}` : ""}${hidden ? ` · ${t("results_not_revealed")}` : ""}`;
  const box = $("#screens");
  if (!box) return;
  syncList(box, SCREENS, {
    key: (name) => name,
    signature: (name) => `${name}|${name === chosen}`,
    render: (name) => h("button", { type: "button", class: `screen-choice${name === chosen ? " chosen" : ""}`, "aria-pressed": String(name === chosen),
      "data-screen": name, onclick: () => {
        if (name === "message" && !s.control.projector?.message && !$("#room-message").value.trim()) return $("#room-message").focus();
        act("projector.show", name === "message" && $("#room-message").value.trim() ? { screen: name, message: $("#room-message").value } : { screen: name });
      } }, t(`screen_${name}`)),
  });
  const input = $("#room-message");
  if (document.activeElement !== input && !input.dataset.edited) input.value = s.control.projector?.message || "";
}

$("#room-message")?.addEventListener("input", (e) => { e.target.dataset.edited = "1"; });
$("#message-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $("#room-message");
  const ack = await act("projector.show", { screen: "message", message: input.value });
  if (ack.ok) delete input.dataset.edited;
});
