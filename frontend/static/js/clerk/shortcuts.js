// The clerk's tablet on a laptop: the keyboard shortcuts, and the focus kept off tapped buttons.
import { enterBid } from "./bids.js";
import { whenFree } from "./commands.js";
import { typeKey } from "./entry.js";
import { call, hammer, pass, retract } from "./lot-actions.js";
import { askLotNumber, goNext } from "./lot-picker.js";
import { root } from "./state.js";

// A tap must not leave the focus on the button, so that Enter stays "bid" on a laptop.
root.addEventListener("mousedown", (event) => {
  if (event.target.closest("button.touch") && !event.target.closest("dialog")) event.preventDefault();
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  if (document.querySelector("dialog[open]")) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const onButton = target.closest && target.closest("button, a");
  const key = event.key;
  if (/^[0-9]$/.test(key)) {
    event.preventDefault();
    typeKey(key);
    return;
  }
  switch (key) {
    case "Backspace":
      event.preventDefault();
      typeKey("back");
      return;
    case "Delete":
    case "Escape":
      typeKey("clear");
      return;
    case "Enter":
      // Enter on a focused button (keyboard navigation) keeps its usual meaning.
      if (onButton && !target.closest("#keypad") && target.id !== "bid-next") return;
      event.preventDefault();
      enterBid();
      return;
    default:
      break;
  }
  if (key.toLowerCase() === "l" || key === "#") {
    event.preventDefault();
    askLotNumber();
    return;
  }
  const shortcuts = {
    r: ["Retrait de l'enchère", retract], c: ["Criée", call], a: ["Adjudication", hammer],
    p: ["Passer le lot", pass], n: ["Lot suivant", goNext],
  };
  const entry = shortcuts[key.toLowerCase()];
  if (entry && key.length === 1) {
    event.preventDefault();
    const [label, action] = entry;
    whenFree(label, () => action() !== false);
  }
});
