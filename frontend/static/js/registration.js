// Registration forms: show the company fields only when buying for a company (the server checks anyway).
const company = document.querySelector("[data-company]");
const radios = document.querySelectorAll('input[name="buyer_type"]');

function sync() {
  const chosen = document.querySelector('input[name="buyer_type"]:checked');
  if (company) company.hidden = !chosen || chosen.value !== "company";
}

for (const radio of radios) radio.addEventListener("change", sync);
sync();

// After a refused submission, take the reader to the list of errors.
const summary = document.getElementById("erreurs");
if (summary) summary.focus();
