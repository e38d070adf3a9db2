// The cash desk: a USB scanner types the card's code and Enter into the search field (a plain form);
// the tablet's camera reads the card's QR code and submits the same form (card-camera.js).
import { cameraAvailable, scanCard } from "./card-camera.js";

const form = document.getElementById("find-buyer");
const input = document.getElementById("f-q");
const button = document.getElementById("scan-camera");

if (form && button && cameraAvailable()) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      const text = await scanCard(document.getElementById("camera-dialog"), document.getElementById("camera-video"));
      if (text) {
        input.value = text;
        form.submit();
      }
    } catch (error) {
      document.getElementById("camera-error").hidden = false;
    }
  });
}

// "Acheteur suivant": Escape on a buyer's page goes back to the search field.
const next = document.getElementById("next-buyer");
if (next) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !document.querySelector("dialog[open]")) window.location.assign(next.href);
  });
}
