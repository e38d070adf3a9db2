// The clerk's tablet: what is done to the lot on the block: the last bid retracted, the calls, the
// hammer (confirmed, and guarded against a bid arriving meanwhile), the lot passed or withdrawn.
import { CALL_LABELS, euros } from "../room-socket.js";
import { run } from "./commands.js";
import { askReason } from "./dialogs.js";
import { showError } from "./messages.js";
import { $, ui } from "./state.js";

export function retract() {
  if ($("retract-bid").disabled) return false;
  const current = ui.view && ui.view.current_bid;
  run("retract_bid", current ? { bid_seq: current.seq } : {}, { success: "Dernière enchère retirée." });
}

export function call() {
  const v = ui.view;
  if (!v || $("call-button").disabled) return false;
  run("call", { number: v.calls + 1 }, { success: `${CALL_LABELS[v.calls]} faite.` });
}

export function pass() {
  if ($("pass-button").disabled) return false;
  run("pass_lot", {}, { success: "Lot passé : invendu." });
}

export function hammer() {
  const v = ui.view;
  if (!v || !v.lot || !v.current_bid || v.calls < 3 || $("hammer-button").disabled) return false;
  const bid = v.current_bid;
  ui.hammerSnapshot = { lotId: v.lot.id, amount: bid.amount_cents, paddle: bid.paddle, seq: bid.seq };
  $("hammer-lot").textContent = v.lot.label;
  $("hammer-amount").textContent = euros(bid.amount_cents);
  $("hammer-paddle").textContent = String(bid.paddle);
  $("hammer-name").textContent = v.leader ? v.leader.name : "—";
  $("hammer-address").textContent = v.leader ? v.leader.address : "—";
  const dialog = $("hammer-dialog");
  dialog.returnValue = "";
  dialog.showModal();
  $("hammer-confirm").focus();
}

$("hammer-dialog").addEventListener("close", () => {
  const dialog = $("hammer-dialog");
  const snap = ui.hammerSnapshot;
  ui.hammerSnapshot = null;
  if (dialog.returnValue !== "confirm" || !snap) return;
  const v = ui.view;
  const bid = v && v.current_bid;
  if (!bid || !v.lot || v.lot.id !== snap.lotId || bid.amount_cents !== snap.amount || bid.paddle !== snap.paddle
      || v.calls < 3) {
    showError({ message: "L'enchère a changé pendant la confirmation : vérifiez avant d'adjuger." });
    return;
  }
  // The server refuses the hammer if another bid arrived since this confirmation (stale_command).
  run("hammer", { expected_bid_seq: snap.seq }, { success: `Lot ${v.lot.label} adjugé ${euros(snap.amount)} au panneau ${snap.paddle}.` });
});

export function renderHammerDialogGuard(bid, lot) {
  const dialog = $("hammer-dialog");
  const snap = ui.hammerSnapshot;
  if (!dialog.open || !snap) return;
  if (!bid || !lot || lot.id !== snap.lotId || bid.amount_cents !== snap.amount || bid.paddle !== snap.paddle) {
    dialog.close("changed");
    showError({ message: "L'enchère a changé pendant la confirmation : vérifiez avant d'adjuger." });
  }
}

$("withdraw-button").addEventListener("click", () => {
  const v = ui.view;
  if (!v || !v.lot) return;
  const bid = v.current_bid;
  askReason({
    title: `Retirer le lot ${v.lot.label} de la vente`,
    text: bid ? `La dernière enchère (${euros(bid.amount_cents)}, panneau ${bid.paddle}) est inscrite au procès-verbal.`
      : "Le lot est retiré sans enchère.",
    confirm: "Retirer le lot",
  }).then((reason) => reason && run("withdraw_lot", { reason, expected_bid_seq: bid ? bid.seq : null },
    { success: `Lot ${v.lot.label} retiré.` }));
});
$("retract-bid").addEventListener("click", retract);
$("call-button").addEventListener("click", call);
$("hammer-button").addEventListener("click", hammer);
$("pass-button").addEventListener("click", pass);
