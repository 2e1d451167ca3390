// The event's files: importing the listening event's export, and the report.
import { $, h, t } from "../ui.js";

// The listening event's export, sent as it was downloaded, or picked among the events this server runs; the
// server says what it took.
$("#import-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("#import-file").files[0];
  if (file) importing("/api/import", file, $("#import-status"));
});
$("#carry-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  importing(`/api/import?from=${encodeURIComponent($("#carry-event").value)}`, null, $("#carry-status"));
});

async function importing(url, body, status) {
  status.textContent = t("importing");
  try {
    const response = await fetch(url, { method: "POST", body,
      headers: { Authorization: `Bearer ${document.body.dataset.token}`, "Content-Type": "application/json" } });
    const reply = await response.json();
    if (!reply.ok) { status.textContent = reply.error.message; return; }
    status.textContent = !reply.replayed && (reply.ideas || reply.themes)
      ? t("imported").replace("{ideas}", reply.ideas).replace("{themes}", reply.themes).replace("{event}", reply.source)
      : t("imported_again");
  } catch {
    status.textContent = t("no_connection");
  }
}

// The report takes a few seconds for a big event: the link says so while it is made, then saves the file.
$("#report-link")?.addEventListener("click", async (event) => {
  event.preventDefault();
  const link = event.currentTarget;
  if (link.dataset.busy) return;
  link.dataset.busy = "1";
  $("#report-status").textContent = t("report_building");
  try {
    const response = await fetch(link.href);
    if (!response.ok) throw new Error(String(response.status));
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/)?.[1] || "report.pdf";
    const url = URL.createObjectURL(await response.blob());
    const save = h("a", { href: url, download: name });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    $("#report-status").textContent = t("report_ready");
  } catch {
    $("#report-status").textContent = t("report_failed");
  } finally {
    delete link.dataset.busy;
  }
});
