// `make bench`, sizes: the release binary and the .deb bundle (goal: .deb under 8 MB).
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [out, target] = process.argv.slice(2);
const debDir = join(target, 'release', 'bundle', 'deb');
const deb = readdirSync(debDir).filter((f) => f.endsWith('.deb'))
  .map((f) => join(debDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
const result = {
  binary_bytes: statSync(join(target, 'release', 'haemong')).size,
  deb_bytes: statSync(deb).size,
  deb_file: deb.split('/').pop(),
  // The archive member holding the files: data.tar.xz once `make package` has recompressed it.
  deb_data: execFileSync('ar', ['t', deb], { encoding: 'utf8' }).split('\n').find((m) => m.startsWith('data.tar')),
};
console.error(JSON.stringify(result, null, 2));
writeFileSync(out, JSON.stringify(result, null, 2));
