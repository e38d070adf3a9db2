// The clerk's tablet: the paddle entry (keypad, keyboard digits) and the bid's origin (room, phone).
import { euros } from "../room-socket.js";
import { showError } from "./messages.js";
import { render } from "./render.js";
import { $, ui } from "./state.js";

const MAX_PADDLE_DIGITS = 6;

export function typeKey(key) {
  if (ui.view && ui.view.status === "paused") {
    showError({ message: "Vente suspendue : le pavé reprend avec la vente (Reprendre)." });
    return;
  }
  if (ui.phoneLine !== null && ui.source === "phone" && ui.paddle === String(ui.phoneLine)) {
    // A paddle typed while on the phone: a bidder in the room. The line stays held (released only by
    // the clerk); after the room bid the entry comes back to it.
    ui.paddle = "";
    ui.source = "room";
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
    ui.source = button.dataset.source;
    if (ui.source === "phone" && ui.phoneLine !== null) ui.paddle = String(ui.phoneLine);
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
  who.textContent = ui.paddle ? `panneau ${ui.paddle}${ui.source === "phone" ? " (téléphone)" : ""}`
    : "tapez le numéro du panneau";
  bidNext.append(amount, who);
  bidNext.disabled = !active || !ui.paddle || minimum === null;
  $("bid-custom").disabled = !active || !ui.paddle;
}
