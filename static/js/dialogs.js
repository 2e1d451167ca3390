// In-page confirmation for what the room will see or what cannot be undone: a real dialog element, keyboard
// friendly (Esc cancels, focus returns where it was), never the browser's confirm() or prompt(), which block
// every update and look like an error to a facilitator on a projected laptop.
import { h, t } from "./ui.js";

// Resolves true when the facilitator confirms, false on cancel or Esc; with `other`, a third answer that
// resolves "other" (a choice between two ways to go on, e.g. move ideas from other themes or leave them).
export function ask({ title, body = "", confirm, danger = false, other = null }) {
  const back = document.activeElement;
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: danger ? "danger" : "primary", "data-answer": "yes" }, confirm);
    const no = h("button", { type: "button", class: "ghost", "data-answer": "no" }, t("cancel"));
    const dialog = h("dialog", { class: "ask", "aria-labelledby": "ask-title" },
      h("h2", { id: "ask-title" }, title), body ? h("p", {}, body) : null,
      h("div", { class: "row" }, no, other ? h("button", { type: "button", "data-answer": "other", onclick: () => done("other") }, other) : null, yes));
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      // Back where the facilitator was; if that control is now disabled (the vote moved on), to the page.
      if (back?.isConnected && !back.disabled && back !== document.body) back.focus();
      else document.getElementById("main")?.focus();
      resolve(answer);
    };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe answer has the focus: Enter alone never does the irreversible thing
  });
}
