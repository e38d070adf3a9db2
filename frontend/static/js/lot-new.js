// Fill the title and estimates from the chosen items (the clerk may change them).
document.querySelectorAll('input[name="items"]').forEach((box) => box.addEventListener('change', () => {
  const chosen = [...document.querySelectorAll('input[name="items"]:checked')];
  const title = document.getElementById('f-title');
  const low = document.getElementById('f-estimate_low');
  const category = document.getElementById('f-category');
  if (chosen.length && !title.dataset.touched) title.value = chosen[0].dataset.description.slice(0, 200);
  const total = chosen.reduce((sum, b) => sum + Number(b.dataset.estimate), 0);
  if (!low.dataset.touched) low.value = total ? (total / 100).toFixed(2).replace('.', ',') : '';
  if (chosen.length && !category.value) category.value = chosen[0].dataset.category;
}));
// (No item to choose: the page has no lot fields.)
['f-title', 'f-estimate_low'].forEach((id) => document.getElementById(id)?.addEventListener('input', (e) => { e.target.dataset.touched = '1'; }));
