// The clerk's tablet: the sale's and the session's buttons (open, pause/resume, announce, close).
import { run } from "./commands.js";
import { askConfirm } from "./dialogs.js";
import { $, ui } from "./state.js";

$("open-sale").addEventListener("click", () => run("open_sale", {}, { success: "Vente ouverte." }));
$("pause-sale").addEventListener("click", () => {
  if (ui.view && ui.view.status === "paused") run("resume", {}, { success: "Vente reprise." });
  else run("pause", {}, { success: "Vente suspendue." });
});
$("close-sale").addEventListener("click", () => {
  askConfirm({
    title: "Clore la vente ?",
    text: "Plus aucun lot ne pourra être ouvert. Les lots non présentés resteront invendus.",
    confirm: "Clore la vente",
  }).then((ok) => ok && run("close_sale", {}, { success: "Vente close." }));
});
$("announce").addEventListener("click", () => {
  const dialog = $("announce-dialog");
  $("announce-input").value = "";
  $("announce-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("announce-input").focus();
  dialog.addEventListener("close", () => {
    const text = $("announce-input").value.trim();
    if (dialog.returnValue === "confirm" && text) run("announce", { text }, { success: "Annonce enregistrée." });
  }, { once: true });
});
$("announce-confirm").addEventListener("click", (event) => {
  if (!$("announce-input").value.trim()) {
    event.preventDefault();
    $("announce-error").hidden = false;
  }
});
$("close-session").addEventListener("click", () => {
  const number = ui.view ? ui.view.session : "";
  askConfirm({
    title: `Clore la séance n° ${number} ?`,
    text: "Sa partie du procès-verbal est alors arrêtée et ne change plus : il reste à la signer.",
    confirm: "Clore la séance",
  }).then((ok) => ok && run("close_session", {}, { success: `Séance n° ${number} close.` }));
});
$("open-session").addEventListener("click", () => run("open_session", {}, { success: "Séance ouverte." }));
