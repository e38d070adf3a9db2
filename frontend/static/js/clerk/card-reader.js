// The clerk's tablet: a paddle card read by a USB scanner or the tablet's camera fills the entry.
import { cameraAvailable, scanCard } from "../card-camera.js";
import { fillEntry } from "./entry.js";
import { clearError, notify, showError } from "./messages.js";
import { render } from "./render.js";
import { $, root, ui } from "./state.js";

// A USB card scanner types the card's content then Enter: a paddle card's signed token, which the
// server checks (signature, sale, expiry, paddle still valid), or a bare paddle number typed by hand.
async function readCard(value) {
  if (/^\d{1,6}$/.test(value)) {
    fillEntry(String(Number(value)));
    notify(`Carte lue : panneau ${ui.paddle}.`);
    render();
    return;
  }
  let answer = null;
  try {
    const response = await fetch(root.dataset.cardReader, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": root.dataset.csrf },
      body: JSON.stringify({ token: value }),
    });
    const type = response.headers.get("content-type") || "";
    answer = type.includes("application/json") ? await response.json() : null;
    if (!response.ok || !answer || !Number.isInteger(answer.paddle)) {
      const fallback = response.status === 401 || response.status === 403
        ? "Session expirée : reconnectez-vous pour lire les cartes."
        : "Carte non reconnue : tapez le numéro du panneau.";
      showError({ message: (answer && answer.message) || fallback });
      return;
    }
  } catch (error) {
    showError({ message: "Lecture de la carte impossible (réseau) : tapez le numéro du panneau." });
    return;
  }
  clearError();
  fillEntry(String(answer.paddle));
  notify(`Carte lue : panneau ${answer.paddle} (${answer.name}).`);
  render();
}

$("scan-input").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const input = event.currentTarget;
  const value = input.value.trim();
  input.value = "";
  if (value) readCard(value);
});

// The tablet's camera reads the card's QR code (card-camera.js), then the same check as a scanner.
const cameraButton = $("scan-camera");
if (cameraAvailable()) {
  cameraButton.hidden = false;
  cameraButton.addEventListener("click", async () => {
    try {
      const text = await scanCard($("camera-dialog"), $("camera-video"));
      if (text) readCard(text);
    } catch (error) {
      showError({ message: "Caméra indisponible : utilisez le lecteur ou tapez le numéro du panneau." });
    }
  });
}
