// The clerk's tablet: the two generic confirmations (a yes/no question, a written reason).
import { $ } from "./state.js";

/** Ask for a written reason in a dialog; resolves with it, or null when cancelled. */
export function askReason({ title, text, confirm }) {
  const dialog = $("reason-dialog");
  $("reason-dialog-title").textContent = title;
  $("reason-dialog-text").textContent = text;
  $("reason-confirm").textContent = confirm;
  $("reason-input").value = "";
  $("reason-error").hidden = true;
  dialog.returnValue = "";
  dialog.showModal();
  $("reason-input").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const reason = $("reason-input").value.trim();
      resolve(dialog.returnValue === "confirm" && reason ? reason : null);
    }, { once: true });
  });
}

$("reason-input").addEventListener("input", () => { $("reason-error").hidden = true; });
$("reason-confirm").addEventListener("click", (event) => {
  if (!$("reason-input").value.trim()) {
    event.preventDefault();
    $("reason-error").hidden = false;
    $("reason-input").focus();
  }
});

export function askConfirm({ title, text, confirm }) {
  const dialog = $("confirm-dialog");
  $("confirm-dialog-title").textContent = title;
  $("confirm-dialog-text").textContent = text;
  $("confirm-dialog-ok").textContent = confirm;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
  });
}
