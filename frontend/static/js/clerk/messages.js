// The clerk's tablet: the alert (an error, with at most one action to retry) and the notice line.
import { $ } from "./state.js";

let alertAction = null;

export function showError(error, action = null) {
  $("room-alert-text").textContent = error.message || "L'action a échoué.";
  const button = $("room-alert-action");
  alertAction = action;
  button.hidden = !action;
  if (action) button.textContent = action.label;
  $("room-alert").hidden = false;
}

export function clearError() {
  $("room-alert").hidden = true;
  $("room-alert-text").textContent = "";
  alertAction = null;
}

export function notify(text) {
  $("room-notice").textContent = text;
}

$("room-alert-close").addEventListener("click", clearError);
$("room-alert-action").addEventListener("click", () => {
  const action = alertAction;
  clearError();
  if (action) action.run();
});
