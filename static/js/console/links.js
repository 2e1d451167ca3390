// The facilitator's links: a link that leaked gets a new secret (secret.replace). The old one stops working at
// once and its screens are closed; this console shows the new link, or moves to it when it was its own.
import { ask } from "../dialogs.js";
import { $$, t, toast } from "../ui.js";
import { act } from "./context.js";

for (const button of $$(".replace-secret")) {
  button.addEventListener("click", async () => {
    const { secret, table } = button.dataset;
    const payload = { secret, ...(table ? { table: Number(table) } : {}) };
    if (!(await ask({ title: t("replace_secret"), body: t(secret === "facilitator" ? "replace_own_secret_body" : "replace_secret_body"),
      confirm: t("replace_secret"), danger: true }))) return;
    const ack = await act("secret.replace", payload);
    if (!ack.ok) return;
    if (secret === "facilitator") { location.replace(`/console/${ack.token}${location.search}`); return; }
    const link = document.querySelector(`a[data-secret="${secret}"]${table ? `[data-table="${table}"]` : ""}`);
    if (link) {
      link.href = `${link.origin}${link.dataset.path}${ack.token}`;
      link.textContent = link.href;
    }
    toast(t("secret_replaced"), "ok");
  });
}
