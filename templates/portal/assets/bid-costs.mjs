// The costs page's totals, kept up to date as the bidder types (without JavaScript they are the
// saved costs' totals, shown after saving). Amounts that are not pounds count as nothing here;
// the server refuses them on saving.
const table = document.getElementById('cost-table');

const pence = (text) => {
  const typed = text.trim().replace(/^£\s*/, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(typed)) {
    return 0;
  }
  const [pounds, pennies = ''] = typed.replace(/,/g, '').split('.');
  return Number(pounds) * 100 + Number(pennies.padEnd(2, '0'));
};
const pounds = (amount) =>
  `£${(amount / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function update() {
  const kinds = { capital: 0, revenue: 0 };
  for (const row of table.querySelectorAll('tr[data-year]')) {
    let year = 0;
    for (const input of row.querySelectorAll('input[data-kind]')) {
      const amount = pence(input.value);
      kinds[input.dataset.kind] += amount;
      year += amount;
    }
    row.querySelector('[data-total="year"]').textContent = pounds(year);
  }
  const all = kinds.capital + kinds.revenue;
  const cap = Number(table.dataset.capPence);
  const set = (name, amount) => {
    for (const cell of document.querySelectorAll(`[data-total="${name}"]`)) {
      cell.textContent = pounds(amount);
    }
  };
  set('capital', kinds.capital);
  set('revenue', kinds.revenue);
  set('requested', all);
  table.querySelector('[data-total="all"]').innerHTML = `<strong>${pounds(all)}</strong>`;
  set('left', Math.max(cap - all, 0));
  set('over', Math.max(all - cap, 0));
  document.querySelector('[data-cap="left"]').hidden = all > cap;
  document.querySelector('[data-cap="over"]').hidden = all <= cap;
  document.getElementById('cost-totals-note').textContent = 'Totals are of what you have typed.';
}

if (table) {
  table.addEventListener('input', update);
  update();
}
