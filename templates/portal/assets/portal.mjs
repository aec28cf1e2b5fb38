// GOV.UK Frontend's components (error summary focus, double-click prevention, navigation toggle).
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

initAll();

// An export being built: its status is read again every few seconds and shown in place, until
// it is finished (without JavaScript, the page's Refresh link does the same).
const watched = document.querySelector('[data-poll-export]');
if (watched) {
  const poll = async () => {
    const answer = await fetch(watched.dataset.pollExport, { headers: { accept: 'text/html' } });
    const next = new DOMParser()
      .parseFromString(await answer.text(), 'text/html')
      .getElementById('export-status');
    if (next) {
      watched.innerHTML = next.innerHTML;
      if (!next.hasAttribute('data-poll-export')) {
        return;
      }
    }
    setTimeout(later, 2000);
  };
  // A failed read stops the watching; the Refresh link still works.
  const later = () => poll().catch(() => undefined);
  setTimeout(later, 1000);
}
