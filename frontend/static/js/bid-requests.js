// Absentee orders and phone requests on the registration forms (public and desk), over a form that works
// without this script (registration/_requests.html): rows added on demand, only the field the kind needs
// (the other is hidden and disabled, so not sent), and the lot's title echoed as its number is typed, in
// the words the server uses (auction/web/pages/registration.py: lot_key, lot_echo).
const rows = document.querySelector("[data-request-rows]");
const template = document.getElementById("request-row-template");
const addButton = document.querySelector("[data-add-request]");

function lotKey(text) {
  const key = (text || "").replace(/\s+/g, "").toLowerCase();
  const stripped = key.replace(/^0+/, "");
  return /^\d/.test(stripped) ? stripped : key;
}

function lotsOf(id) {
  const lots = new Map();
  for (const option of document.querySelectorAll(`#${id} option`)) {
    lots.set(option.dataset.key, { label: option.value, title: option.textContent });
  }
  return lots;
}

const listed = lotsOf("sale-lots");
const withdrawn = lotsOf("withdrawn-lots");

function echo(text) {
  const key = lotKey(text);
  if (!key) return "";
  if (listed.has(key)) return `Lot ${listed.get(key).label} : ${listed.get(key).title}`;
  if (withdrawn.has(key)) return `Lot ${withdrawn.get(key).label} : ${withdrawn.get(key).title} — retiré de la vente`;
  return `Aucun lot n° ${text.trim()} dans cette vente.`;
}

function isEmpty(row) {
  const filled = [...row.querySelectorAll("input")].some((input) => input.value.trim() !== "");
  return !filled && !row.querySelector(".has-error");
}

function syncKind(row) {
  const select = row.querySelector("[data-kind-select]");
  for (const field of row.querySelectorAll("[data-kind-field]")) {
    const shown = field.dataset.kindField === select.value;
    field.hidden = !shown;
    for (const input of field.querySelectorAll("input")) input.disabled = !shown;
  }
}

function wire(row) {
  const lot = row.querySelector("[data-lot-input]");
  const said = row.querySelector("[data-lot-echo]");
  lot.addEventListener("input", () => { said.textContent = echo(lot.value); });
  row.querySelector("[data-kind-select]").addEventListener("change", () => syncKind(row));
  syncKind(row);
}

function allRows() {
  return [...rows.querySelectorAll("[data-request-row]")];
}

function syncButton() {
  addButton.hidden = allRows().length >= Number(rows.dataset.maxRows);
}

function addRow() {
  const number = allRows().length + 1;
  const html = template.innerHTML.replaceAll("__N__", String(number));
  rows.insertAdjacentHTML("beforeend", html);
  const row = allRows().at(-1);
  wire(row);
  syncButton();
  return row;
}

if (rows && template && addButton) {
  // Keep the rows in use and one empty row; the others come back on demand.
  const existing = allRows();
  let kept = existing.length;
  while (kept > 1 && isEmpty(existing[kept - 1]) && isEmpty(existing[kept - 2])) kept -= 1;
  for (const row of existing.slice(kept)) row.remove();
  for (const row of allRows()) wire(row);
  addButton.addEventListener("click", () => addRow().querySelector("[data-lot-input]").focus());
  syncButton();

  // Opened from a lot's "Laisser un ordre d'achat": straight to the amount of that lot's row.
  const first = allRows()[0];
  if (location.hash === "#ordres" && first && first.querySelector("[data-lot-input]").value
      && !document.getElementById("erreurs")) {
    const amount = first.querySelector('[data-kind-field="absentee"] input');
    // After the browser has scrolled to the fragment (which would take the focus back to the page).
    const focus = () => setTimeout(() => { if (amount && !amount.disabled) amount.focus(); }, 0);
    if (document.readyState === "complete") focus(); else window.addEventListener("load", focus, { once: true });
  }
}
