// What is wrong with a new passphrase before it is sent (the backend checks again): the i18n key
// of the problem, or null. Characters are counted as the backend counts them (Unicode scalar
// values), so four Korean syllables are four characters.
export const MIN_CHARS = 4;
export const MAX_CHARS = 1024;

export function passphraseProblem(value, again) {
  const n = [...value].length;
  if (n < MIN_CHARS || value.trim() === '') return 'privacy.tooShort';
  if (n > MAX_CHARS) return 'privacy.tooLong';
  if (value !== again) return 'privacy.mismatch';
  return null;
}

/** Milliseconds until an idle lock, or null when there is none (no passphrase, off, locked). */
export function idleLockIn({ minutes, passphrase, locked, idleMs }) {
  if (!passphrase || locked || !(minutes > 0)) return null;
  return Math.max(0, minutes * 60000 - idleMs);
}
