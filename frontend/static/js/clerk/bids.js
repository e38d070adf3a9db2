// The clerk's tablet: bids for the paddle typed (the next minimum, Enter, a free amount checked).
import { euros, parseEuros } from "../room-socket.js";
import { run, whenFree } from "./commands.js";
import { askConfirm } from "./dialogs.js";
import { AMOUNT_PLACEHOLDER, clearAmount, entryAtRest, resetEntry, restoreEntry } from "./entry.js";
import { notify, showError } from "./messages.js";
import { render } from "./render.js";
import { $, lots, ui } from "./state.js";

// Refusals after which the same bid may be recorded if sent again (the next minimum moved under it,
// another bid took the step first, the tablet was offline): its paddle comes back marked to send again.
// After any other (a paddle not verified or without a phone request, a paddle already leading), the
// paddle comes back as typed, for the clerk to correct: sending it again would be refused again.
const RESENDABLE = new Set(["bid_too_low", "outbid", "stale_command", "concurrent_update", "offline"]);

/** The bid for `typed` (the paddle in the entry unless given), answered true when recorded, false
 * when refused (the refusal is on screen: commands.js). */
function bidAt(amountCents, typed = ui.paddle, source = ui.source) {
  const paddle = Number(typed);
  if (!typed || !Number.isInteger(paddle)) {
    showError({ message: "Tapez d'abord le numéro du panneau." });
    return Promise.resolve(false);
  }
  const current = ui.view && ui.view.current_bid;
  // The bid names the bid it covers: if another (online, another tablet) took this step first,
  // the server answers "outbid" with the amount to beat instead of recording a bid nobody saw.
  let resend = true;   // not sent at all (another command in flight): as it was, to send again
  return run("bid", { paddle, amount_cents: amountCents, source, expected_bid_seq: current ? current.seq : null }, {
    success: `Enchère de ${euros(amountCents)} enregistrée pour le panneau ${paddle}${source === "phone" ? " (téléphone)" : ""}.`,
    onRefused: (error) => { resend = RESENDABLE.has(error.code); },
  })
    .then((ack) => {
      if (ack) {
        // The paddle is cleared for the next bidder, unless another was typed meanwhile. A phone line
        // stays held across room bids: the entry goes back to it until the clerk releases it.
        if (ui.paddle === typed) resetEntry();
        clearAmount();
        render();
        return true;
      }
      // Refused: the paddle comes back with its origin, both as sent (unless the clerk has typed
      // another paddle or chosen another origin since). Marked as a bid to send again when sending
      // it again may succeed: the next key typed starts a new paddle in the room, so the refused
      // bid's origin never passes to it. Otherwise unmarked, for the clerk to correct.
      if ((ui.paddle === typed && ui.source === source) || entryAtRest()) {
        restoreEntry(typed, source, resend);
        render();
      }
      return false;
    });
}

/** A free amount refused: out of the box, so that the bid button never sends it again by accident
 * (for the next paddle it would be another bidder's figure; after an outbid, a bid over one its
 * bidder did not hear), and still in view as the placeholder until the clerk types another. */
function clearRefusedAmount(cents) {
  const input = $("custom-amount");
  if (parseEuros(input.value) !== cents) return;   // another amount typed meanwhile: the clerk's
  input.value = "";
  input.placeholder = `Refusé : ${euros(cents)}`;   // short: it fits the box whole
  input.dataset.refused = "true";
}

$("custom-amount").addEventListener("input", (event) => {
  if (!event.currentTarget.dataset.refused) return;
  event.currentTarget.placeholder = AMOUNT_PLACEHOLDER;
  delete event.currentTarget.dataset.refused;
});

function bidNext() {
  const v = ui.view;
  if (!v || !v.lot || $("bid-next").disabled) return;
  bidAt(v.next_minimum_cents);
}

/** Enter: the bid at the next minimum for the paddle typed now, sent at once or after the command in
 * flight (then at the next minimum of that moment, still naming the bid it covers). */
export function enterBid() {
  const v = ui.view;
  if (!ui.paddle) {
    showError({ message: "Tapez d'abord le numéro du panneau." });
    return;
  }
  if (v && v.status === "paused") {
    showError({ message: "Vente suspendue : reprenez la vente avant d'enregistrer une enchère." });
    return;
  }
  const typed = ui.paddle;
  const source = ui.source;
  // The entry is free at once for the next bidder (the phone line's paddle if one is held): digits
  // typed while this bid is in flight make the next paddle, not a longer number.
  resetEntry();
  render();
  whenFree(`Enchère du panneau ${typed}`, () => {
    const now = ui.view;
    if (!now || !now.lot || now.status !== "open" || ui.connection !== "connected") {
      if (entryAtRest()) {   // not sent: the paddle comes back, with its origin
        restoreEntry(typed, source);
        render();
      }
      return false;
    }
    bidAt(now.next_minimum_cents, typed, source);
    return true;
  });
}

function bidCustom() {
  const v = ui.view;
  if (!v || !v.lot || $("bid-custom").disabled) return;
  const cents = parseEuros($("custom-amount").value);
  if (cents === null || cents <= 0) {
    showError({ message: "Montant illisible : écrivez par exemple 2 500 ou 2500,50." });
    return;
  }
  $("custom-amount").blur();   // back to the keyboard shortcuts
  const typed = ui.paddle;
  const source = ui.source;
  const send = () => bidAt(cents, typed, source).then((recorded) => {
    if (!recorded) clearRefusedAmount(cents);
  });
  const unusual = unusualAmount(cents, v);
  if (unusual.length === 0) {
    send();
    return;
  }
  askConfirm({
    title: `Enchère de ${euros(cents)} ?`,
    text: `Ce montant est ${unusual.join(", et ")}. Vérifiez-le avec l'enchérisseur (panneau ${typed}) avant de l'enregistrer.`,
    confirm: `Enregistrer ${euros(cents)}`,
  }).then((ok) => {
    if (ok) send();
    else notify(`Enchère de ${euros(cents)} non enregistrée.`);
  });
}

/** The lot's increment grid from its current bid (or its first bid): the amounts next_minimum reaches. */
function stepAt(table, cents) {
  let step = table[0][1];
  for (const [start, rowStep] of table) {
    if (cents >= start) step = rowStep;
    else break;
  }
  return step;
}

/** Why a free amount needs a second look: far above the estimate or the bid, or off the grid. */
function unusualAmount(cents, v) {
  const reasons = [];
  const info = lots.get(v.lot.id);
  if (info && info.high > 0 && cents > 3 * info.high) {
    reasons.push(`plus de trois fois l'estimation haute (${euros(info.high)})`);
  }
  const table = v.increments;
  if (!Array.isArray(table) || table.length === 0) return reasons;
  const current = v.current_bid ? v.current_bid.amount_cents : null;
  const base = current !== null ? current : v.next_minimum_cents;   // no bid yet: from the first bid
  let tenth = base;
  for (let i = 0; i < 10; i += 1) tenth += stepAt(table, tenth);
  if (cents > tenth) {
    reasons.push(current !== null ? `plus de dix paliers au-dessus de l'enchère en cours (${euros(current)})`
      : `plus de dix paliers au-dessus de la mise à prix (${euros(base)})`);
  }
  let point = base;
  for (let i = 0; point < cents && i < 100000; i += 1) point += stepAt(table, point);
  // At or below the bid the server refuses the amount with its own message ("Enchère trop basse").
  if (cents > base && point !== cents) reasons.push(`hors des paliers de la vente (${euros(stepAt(table, base))} par palier ici)`);
  return reasons;
}

$("bid-next").addEventListener("click", bidNext);
$("custom-bid").addEventListener("submit", (event) => {
  event.preventDefault();
  bidCustom();
});
