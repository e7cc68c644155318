// The machine a benchmark ran on, kept in its JSON: the report may be written again later (a new
// paragraph, on another machine) and must still name the machine and day that measured.
import { execSync } from 'node:child_process';
import os from 'node:os';

const sh = (c) => { try { return execSync(c, { encoding: 'utf8' }).trim(); } catch { return '?'; } };

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, `
    + `${sh('. /etc/os-release && echo $PRETTY_NAME')}, WebKitGTK ${sh("dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0")}`;
}

export const today = () => new Date().toISOString().slice(0, 10);
