// The bench's copies of the 100,000-entry diary encrypted as a user's is: the release binary's
// command line opens each copy once, which converts it and keeps its key in the session's keychain
// under that copy's own account, so the measured starts open an encrypted diary with a stored key.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Encrypts the diary in `home` (its `data/app.haemong.diary/diary.sqlite3`); returns seconds. */
export function encryptDiaryIn(bin, home) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, ['list', '--limit', '1'], {
    env: { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') },
    encoding: 'utf8',
    timeout: 300000,
  });
  if (r.status !== 0 || !/now encrypted/.test(r.stderr)) {
    throw new Error(`the bench diary was not encrypted (${r.status}): ${r.stderr}`);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
