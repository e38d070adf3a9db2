// The clerk's tablet between lots: the catalogue and its outcomes, the next lot, a lot by its number,
// a contested hammer offered again, the lots in default put up again.
import { euros } from "../room-socket.js";
import { run } from "./commands.js";
import { askConfirm, askReason } from "./dialogs.js";
import { showError } from "./messages.js";
import { $, lots, ui } from "./state.js";

function outcomeText(lot, result, v, covered) {
  if (v && v.lot && v.lot.id === lot.id) return "En vente";
  if (result && result.sold) return `Adjugé ${euros(result.amount_cents)} au panneau ${result.paddle}`;
  if (result && result.withdrawn) return "Retiré en cours de vente";
  if (lot.withdrawn) return "Retiré";
  const stop = covered.has(lot.caseId) ? "Seuil d'arrêt atteint" : "";
  if (result) return stop ? `Invendu · ${stop}` : "Invendu";
  return stop;
}

function nextLot() {
  for (const lot of lots.values()) {
    if (!lot.withdrawn && !(String(lot.id) in ui.results)) return lot;   // withdrawn on the block: in results
  }
  return null;
}

export function renderPicker(v, active) {
  const covered = new Set(((v && v.cases) || []).filter((c) => c.covered).map((c) => c.id));
  for (const lot of lots.values()) {
    const result = ui.results[String(lot.id)];
    const row = lot.row;
    row.querySelector(".lot-row-outcome").textContent = outcomeText(lot, result, v, covered);
    row.classList.toggle("case-covered", covered.has(lot.caseId) && !(result && result.sold));
    row.dataset.outcome = result ? (result.sold ? "sold" : "passed") : (lot.withdrawn ? "withdrawn" : "");
    row.querySelector(".open-lot").disabled = !active || lot.withdrawn || !!(result && (result.sold || result.withdrawn));
  }
  const next = nextLot();
  const button = $("next-lot");
  button.disabled = !active || !next;
  button.textContent = next ? `Lot suivant (${next.label})` : "Lot suivant";
  const last = $("last-result");
  const hammer = v ? v.last_hammer : null;
  last.hidden = !hammer;
  if (hammer) {
    last.replaceChildren(`Dernière adjudication : lot ${hammer.label}, ${euros(hammer.amount_cents)} au panneau ${hammer.paddle}. `);
    const reoffer = document.createElement("button");
    reoffer.type = "button";
    reoffer.className = "touch quiet";
    reoffer.id = "reoffer-lot";
    reoffer.textContent = "Remettre en vente (contestation)";
    reoffer.disabled = !active;
    reoffer.addEventListener("click", () => reofferLot(hammer));
    last.append(reoffer);
  }
}

// Lots whose buyer defaulted (default declared): each may be put up again (réitération des enchères).
export function renderDefaults(v, active) {
  const entries = (v && v.in_default) || [];
  $("lots-in-default").hidden = entries.length === 0;
  $("default-list").replaceChildren(...entries.map((entry) => {
    const li = document.createElement("li");
    li.className = "default-row";
    li.dataset.lotId = entry.lot_id;
    li.append(`Lot ${entry.label} · ${entry.title} · adjugé ${euros(entry.first_hammer_cents)} au panneau `
      + `${entry.paddle}, en défaut de paiement `);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "touch put-up-again";
    button.dataset.action = "";
    button.textContent = "Remettre en vente (réitération)";
    button.setAttribute("aria-label", `Remettre en vente le lot ${entry.label} sur réitération des enchères`);
    button.disabled = !active;
    button.addEventListener("click", () => putUpAgain(entry));
    li.append(button);
    return li;
  }));
}

function putUpAgain(entry) {
  askConfirm({
    title: `Remettre en vente le lot ${entry.label} ?`,
    text: `Le panneau ${entry.paddle} n'a pas payé : le lot est remis en vente sur réitération des enchères `
      + `(CPCE R221-38). Le défaillant reste tenu de la différence de prix et des frais.`,
    confirm: "Remettre en vente",
  }).then((ok) => ok && run("put_up_again", { lot_id: entry.lot_id },
    { success: `Lot ${entry.label} remis en vente sur réitération des enchères.` }));
}

function openLot(lot) {
  run("open_lot", { lot_id: lot.id });
}

export function goNext() {
  const next = nextLot();
  if (!next || $("next-lot").disabled) return false;
  openLot(next);
  return true;
}

/** Jump to a lot by its number (L or # on the keyboard, or the picker's button): opens it. */
export function askLotNumber() {
  const v = ui.view;
  if (v && v.lot) {
    showError({ message: `Le lot ${v.lot.label} est en vente : adjugez-le ou passez-le avant d'en ouvrir un autre.` });
    return;
  }
  const dialog = $("goto-dialog");
  $("goto-input").value = "";
  $("goto-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("goto-input").focus();
}

$("goto-confirm").addEventListener("click", (event) => {
  const wanted = $("goto-input").value.trim().replace(/^lot\s*/i, "");
  const lot = Array.from(lots.values()).find((l) => l.label.toLowerCase() === wanted.toLowerCase());
  const row = lot ? lot.row.querySelector(".open-lot") : null;
  let problem = "";
  if (!wanted) problem = "Tapez le numéro du lot.";
  else if (!lot) problem = `Pas de lot n° ${wanted} dans cette vente.`;
  else if (row.disabled) problem = `Le lot ${lot.label} ne peut pas être ouvert (${lot.row.querySelector(".lot-row-outcome").textContent || "vente pas ouverte"}).`;
  if (problem) {
    event.preventDefault();
    $("goto-error").textContent = problem;
    $("goto-error").hidden = false;
    $("goto-input").focus();
    return;
  }
  $("goto-dialog").addEventListener("close", () => openLot(lot), { once: true });
});
$("goto-lot").addEventListener("click", askLotNumber);

function reofferLot(hammerInfo) {
  askReason({
    title: `Remettre en vente le lot ${hammerInfo.label}`,
    text: "Une contestation à l'adjudication permet de remettre aussitôt le lot aux enchères. Indiquez le motif.",
    confirm: "Remettre en vente",
  }).then((reason) => reason && run("reoffer_lot", { lot_id: hammerInfo.lot_id, reason },
    { success: `Lot ${hammerInfo.label} remis en vente.` }));
}

$("next-lot").addEventListener("click", goNext);
$("lot-list").addEventListener("click", (event) => {
  const button = event.target.closest(".open-lot");
  if (!button || button.disabled) return;
  const lot = lots.get(Number(button.closest(".lot-row").dataset.lotId));
  if (lot) openLot(lot);
});
