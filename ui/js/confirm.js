// The app's own confirmation dialog (a native <dialog>): resolves true only on an explicit "yes".
const dialog = document.querySelector('[data-testid="confirm-dialog"]');
const yes = dialog.querySelector('[data-testid="confirm-yes"]');
const no = dialog.querySelector('[data-testid="confirm-no"]');

export function confirmDialog({ title, body, yesLabel, noLabel }) {
  dialog.querySelector('#confirm-title').textContent = title;
  dialog.querySelector('#confirm-body').textContent = body;
  yes.textContent = yesLabel;
  no.textContent = noLabel;
  return new Promise((resolve) => {
    const done = (answer) => {
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      dialog.removeEventListener('cancel', onNo);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onYes = () => done(true);
    const onNo = () => done(false);
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    dialog.addEventListener('cancel', onNo); // Escape
    dialog.showModal();
    no.focus(); // the safe choice has focus, so a stray Enter never deletes
  });
}
