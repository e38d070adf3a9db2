// The clerk's tablet: the paddle entry (keypad, keyboard digits) and the bid's origin (room, phone).
import { euros } from "../room-socket.js";
import { showError } from "./messages.js";
import { render } from "./render.js";
import { $, ui } from "./state.js";

const MAX_PADDLE_DIGITS = 6;
export const AMOUNT_PLACEHOLDER = "Montant en €";

// The origin goes with the paddle it was chosen for. An entry the tablet filled by itself (the held
// phone line's paddle, a bid not recorded offered again) is replaced by the next key typed, and the
// paddle typed then is a bidder in the room: a phone origin never carries over to another paddle.

/** The entry at rest, as after a recorded bid: empty at the room's origin, or the held line's paddle. */
export function resetEntry() {
  ui.paddle = ui.phoneLine !== null ? String(ui.phoneLine) : "";
  ui.source = ui.phoneLine !== null ? "phone" : "room";
  ui.retry = false;
}

/** The free amount's box empty, with its usual placeholder (after a bid recorded, a
 * lot opened or closed). */
export function clearAmount() {
  const input = $("custom-amount");
  input.value = "";
  input.placeholder = AMOUNT_PLACEHOLDER;
  delete input.dataset.refused;
}

/** A bid not recorded (refused, or not sent): its paddle and its origin back in the entry, together,
 * to be sent again as they were (Enter, the bid button) or replaced by the next paddle typed; or, when
 * sending it again cannot succeed (`retry` false), as typed, for the clerk to correct. */
export function restoreEntry(paddle, source, retry = true) {
  ui.paddle = paddle;
  ui.source = source;
  ui.retry = retry;
}

/** A paddle card read: its bidder is in the room, whatever the entry held (a held line stays held). */
export function fillEntry(paddle) {
  ui.paddle = paddle;
  ui.source = "room";
  ui.retry = false;
}

/** The entry holds what the tablet put there, not yet touched by the clerk. */
export function entryAtRest() {
  return !ui.paddle || ui.retry || (ui.phoneLine !== null && ui.source === "phone" && ui.paddle === String(ui.phoneLine));
}

export function typeKey(key) {
  if (ui.view && ui.view.status === "paused") {
    showError({ message: "Vente suspendue : le pavé reprend avec la vente (Reprendre)." });
    return;
  }
  if (ui.paddle && entryAtRest()) {
    // A key typed over the line's paddle or a bid offered again: a new paddle, a bidder in the room.
    // A held line stays held (released only by the clerk); after the room bid the entry comes back to it.
    ui.paddle = "";
    ui.source = "room";
    ui.retry = false;
  }
  if (key === "back") ui.paddle = ui.paddle.slice(0, -1);
  else if (key === "clear") ui.paddle = "";
  else if (/^[0-9]$/.test(key) && ui.paddle.length < MAX_PADDLE_DIGITS) {
    ui.paddle = ui.paddle === "0" ? key : ui.paddle + key;
  }
  render();
}

$("keypad").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-key]");
  if (button) typeKey(button.dataset.key);
});

for (const button of document.querySelectorAll(".source")) {
  button.addEventListener("click", () => {
    const atLine = ui.phoneLine !== null && !ui.retry && ui.source === "phone" && ui.paddle === String(ui.phoneLine);
    ui.source = button.dataset.source;
    ui.retry = false;   // the clerk takes the entry in hand: the digits typed next extend its paddle
    if (ui.source === "phone" && ui.phoneLine !== null) ui.paddle = String(ui.phoneLine);
    else if (ui.source === "room" && atLine) ui.paddle = "";   // the room's bidder, not the line's
    render();
  });
}

export function renderEntry(v, active) {
  const paused = !!v && v.status === "paused";
  for (const key of document.querySelectorAll("#keypad .key, .sources .source")) key.disabled = paused;
  $("custom-amount").disabled = paused;
  $("keypad").setAttribute("aria-disabled", paused ? "true" : "false");
  const display = $("paddle-display");
  display.textContent = ui.paddle || "—";
  display.dataset.empty = ui.paddle ? "false" : "true";
  display.dataset.retry = ui.retry ? "true" : "false";
  for (const button of document.querySelectorAll(".source")) {
    button.setAttribute("aria-checked", button.dataset.source === ui.source ? "true" : "false");
  }
  const bidNext = $("bid-next");
  const minimum = v && v.lot ? v.next_minimum_cents : null;
  bidNext.replaceChildren();
  const amount = document.createElement("span");
  amount.className = "bid-next-amount";
  amount.textContent = minimum !== null ? `Enchère à ${euros(minimum)}` : "Enchère";
  const who = document.createElement("span");
  who.className = "bid-next-paddle";
  const paddle = `panneau ${ui.paddle}${ui.source === "phone" ? " (téléphone)" : ""}`;
  who.textContent = !ui.paddle ? "tapez le numéro du panneau" : ui.retry ? `de nouveau, ${paddle}` : paddle;
  bidNext.append(amount, who);
  bidNext.disabled = !active || !ui.paddle || minimum === null;
  $("bid-custom").disabled = !active || !ui.paddle;
}
