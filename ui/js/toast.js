// Transient notices at the bottom of the window; errors and notices with paths stay longer.
import { t } from './locale.js';

const el = document.querySelector('[data-testid="toast"]');
const text = el.querySelector('.toast-text');
let timer = null;

export function toast(message, { kind = 'info', ms = 2600 } = {}) {
  clearTimeout(timer);
  text.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  timer = setTimeout(hide, ms);
}

export const toastError = (message) => toast(message, { kind: 'error', ms: 8000 });

function hide() {
  el.hidden = true;
}

el.querySelector('.toast-close').addEventListener('click', hide);
el.querySelector('.toast-close').title = t('toast.dismiss');
