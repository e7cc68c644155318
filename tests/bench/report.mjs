// `make bench`: turns the JSON results into docs/bench.md (printed to stdout).
import { readFileSync } from 'node:fs';
import { machine, today } from './machine.mjs';

const [coreFile, windowFile, streamFile, sizesFile, soakFile] = process.argv.slice(2);
const core = JSON.parse(readFileSync(coreFile, 'utf8'));
const win = JSON.parse(readFileSync(windowFile, 'utf8'));
const stream = JSON.parse(readFileSync(streamFile, 'utf8'));
const sizes = JSON.parse(readFileSync(sizesFile, 'utf8'));
const pass = (ok) => (ok ? 'met' : '**missed**');
const f = (n, d = 1) => Number(n).toFixed(d);

const lines = [];
lines.push('# Haemong benchmark report', '');
// The run's own machine and day (window.mjs keeps them), not the ones writing the report again.
lines.push(`Written ${win.alone ? 'from the runs named below' : 'by \`make bench\`'} on ${win.measured_on ?? today()}; release build.`);
lines.push(`Machine: ${win.machine ?? machine()}.`);
// Set by hand when `window.mjs` was run alone after a change to the start; a full `make bench`
// writes bench-window.json without it.
if (win.alone) lines.push(`Window section: ${win.alone}`);
lines.push('Numbers from one machine and one run; targets are judged on medians and on ratios measured in the same run.', '');
lines.push('## Diary core (100,000 entries)', '');
lines.push(`${core.entries.toLocaleString('en-US')} entries, ${core.avg_body_chars} characters on average (70 % Korean, mixed with English), database ${f(core.db_mb, 0)} MB with the trigram index, built in ${f(core.build_s)} s. Each case ran ${core.cases[0].runs} times after 3 warm-up runs.`, '');
lines.push('| case | median | p95 | hits | target (median) | |', '|---|---|---|---|---|---|');
for (const c of core.cases) {
  const target = c.target_ms ?? 50;
  lines.push(`| ${c.case} | ${f(c.median_ms, 2)} ms | ${f(c.p95_ms, 2)} ms | ${c.hits} | < ${target} ms | ${pass(c.median_ms < target)} |`);
}
lines.push('');
lines.push('The entries are written through the app\'s own save path (`db::entries::create`: tags, flags, mood, sleep, symbols, search index). '
  + 'Common terms are answered by walking the newest entries and stopping at a full page; rare terms of 3+ characters by the trigram index; '
  + 'rare or absent 1–2 character terms through the trigram index\'s vocabulary (every character of a column starts an indexed trigram, '
  + 'so the trigrams that begin with the term name the entries holding it). '
  + 'Search runs on a read connection of its own on the blocking pool, so it never holds up an autosave or the UI thread, '
  + 'and the next keystroke interrupts it (`Database::read_latest`) instead of queueing behind it. '
  + 'Filters walk partial indexes in the list\'s order (flags, mood) or the tag and symbol tables; the insights view is SQL aggregates over indexed columns.');
lines.push('');
if (core.encrypted) {
  const e = core.encrypted;
  const worst = Math.max(...e.ratios.map((r) => r.ratio));
  lines.push('## The encrypted diary against a plain copy (issue 16)', '');
  lines.push(`The same diary encrypted (SQLCipher, AES-256 with HMAC-SHA512 per 4 KiB page, a raw key) as the app keeps it, converted from the plain file in ${f(e.convert_s)} s `
    + '(`sqlcipher_export`, then `integrity_check` of the copy, the swap and the wipe of the plain file: what the first start of this version does once). '
    + 'The same cases in the same run, plain first; each connection as the app opens it: the encrypted one keeps up to 64 MiB of decrypted pages '
    + '(`ENCRYPTED_CACHE_KIB`; SQLCipher decrypts a page each time SQLite reads it from the file), the plain one SQLite\'s default 2 MiB over the system\'s file cache.', '');
  lines.push('| case | plain | encrypted | ratio | target | |', '|---|---|---|---|---|---|');
  for (const r of e.ratios) {
    lines.push(`| ${r.case} | ${f(r.plain_ms, 2)} ms | ${f(r.encrypted_ms, 2)} ms | ${f(r.ratio, 2)}× | ≤ ${e.target_ratio}× | ${pass(r.ratio <= e.target_ratio && r.hits_equal)} |`);
  }
  lines.push('', `Worst ratio ${f(worst, 2)}×. With SQLite's default 2 MiB page cache the encrypted searches and filters were 5–8× slower than plain `
    + '(every run decrypted the same pages again); with 16 MiB the tag and symbol filters still were (their pages do not fit); 64 MiB holds every case\'s pages. '
    + 'The export, import and backup figures below are taken on the encrypted diary.', '');
}
if (core.export) {
  lines.push('## Export and import (issue 13)', '');
  lines.push('| what | time | target | |', '|---|---|---|---|');
  lines.push(`| Haemong JSON export of ${core.export.entries.toLocaleString('en-US')} entries (${f(core.export.mb, 0)} MB) | ${f(core.export.seconds, 2)} s | ≤ ${core.export.target_s} s | ${pass(core.export.seconds <= core.export.target_s)} |`);
  lines.push(`| importing it into an empty diary file (one transaction, symbols and search index built) | ${f(core.import.seconds, 2)} s | ≤ ${core.import.target_s} s | ${pass(core.import.seconds <= core.import.target_s)} |`);
  if (core.backup) {
    const b = core.backup;
    lines.push(`| a verified backup of the diary (${f(b.mb, 0)} MB: online backup API in steps from one snapshot, then \`integrity_check\`) | ${f(b.seconds, 2)} s | ≤ ${b.target_s} s | ${pass(b.seconds <= b.target_s)} |`);
    if (b.verify_s) lines.push(`| of which the \`integrity_check\` of the copy (on every core) | ${f(b.verify_s, 2)} s | | |`);
    if (b.search_check_s) lines.push(`| of which the search index's own check (FTS5's, one core; part of \`integrity_check\`) | ${f(b.search_check_s, 2)} s | | |`);
    lines.push(`| longest autosave during that backup (${b.autosaves} saves, one every 10 ms; before it: ${f(b.idle_autosave_max_ms, 1)} ms over ${b.idle_autosaves}) | ${f(b.autosave_max_ms, 1)} ms | ≤ ${b.stall_target_ms} ms | ${pass(b.autosave_max_ms <= b.stall_target_ms)} |`);
  }
  if (core.sealed) {
    lines.push(`| the same export sealed with a passphrase (age: scrypt once, ChaCha20-Poly1305 over ${f(core.sealed.mb, 0)} MB; issue 16) | ${f(core.sealed.seal_seconds, 2)} s | — | |`);
    lines.push(`| opening that sealed file again (before an import) | ${f(core.sealed.open_seconds, 2)} s | — | |`);
  }
  if (core.markdown) {
    lines.push(`| Markdown folder export (one note per dream) | ${f(core.markdown.export_s, 2)} s | — | |`);
    lines.push(`| importing that folder into an empty diary | ${f(core.markdown.import_s, 2)} s | — | |`);
  }
  lines.push('', 'An import merges in one transaction: the rows and tags first, then the trigram search index for all new rows in one '
    + '`INSERT … SELECT` (three times cheaper than row by row through the trigger, which is set aside for the transaction and put back), '
    + 'then the dictionary symbols, found on every core. The backup reads through a connection of its own holding one snapshot, so the app\'s '
    + 'writer never waits for it (WAL), and flushes the copy every 16 MiB so an autosave\'s own sync never queues behind the whole diary; '
    + 'the autosave figures are the whole save (entry, tags, symbols, index) measured in the same run. '
    + `Where a backup goes: the copy (~${f(core.backup.seconds - core.backup.verify_s, 1)} s here), where the online backup API decrypts every page and encrypts it again for the new file (SQLCipher; `
    + `a plain copy of the same file takes well under a second), then the verification (${f(core.backup.verify_s, 1)} s when run again on the copy), \`integrity_check\` as \`quick_check\` (pages, free list, b-trees, constraints, `
    + 'the search index\'s own check) on one core and `integrity_check(TABLE)` for each table with an index or without rowid on the others (its indexes against its rows, its key order), costliest first (rows × indexes). '
    + 'What was only cost came out: in session 8 the symbols\' index by night and a second read of the tables with no index (9.2 → 7.7 s); in session 9 the search '
    + 'index\'s positions (migration 10: 174 → 28 MB of segments, its own check 2.5 → 0.7 s, the encrypted diary 394 → 234 MB: 7.7 → ~6 s); in session 10 SQLite\'s process-wide page cache, '
    + 'whose one mutex the two checking threads waited on at every page (libsqlite3-sys builds SQLite with `SQLITE_ENABLE_MEMORY_MANAGEMENT`, now undefined in `.cargo/config.toml`: the check 3.9 → 2.2 s), '
    + 'and the night in the symbols\' index, which no query used (migration 11: 37 → 18 MB, 6.47 → 3.43 s); in session 11 SQLCipher\'s set-up for every page '
    + '(its OpenSSL provider fetched HMAC and SHA-512 and made and keyed new MAC and cipher contexts per 4 KiB page; `db::cipher_provider` keeps them per connection: the copy ~1.6 → ~1.3 s) '
    + 'and the sizing of the check\'s pieces, which now runs beside `quick_check` (3.43 → 3.07 s); in session 12 the symbols\' rows, which repeated '
    + 'their symbol\'s id and their entry\'s night as text and kept a count nothing read (migration 12: a row is now two small integers, the id kept once in `symbol_codes`; '
    + 'the encrypted diary 205 → 175 MB, 3.08–3.27 → 2.65–2.75 s in A/B runs of the two builds), to the figure above. '
    + (core.backup.seconds <= core.backup.target_s
      ? 'What is left is mostly the crypto and the check\'s own b-tree work. '
      : `The ${f(core.backup.target_s, 0)} s target is still missed, by ${f(core.backup.seconds - core.backup.target_s, 2)} s in this run (2.65–2.75 s in A/B runs on this machine): what is left is the crypto and the check's own work. `)
    + 'Half of the copy\'s time is SHA-512 (HMAC-SHA512 twice per page, read and write, ~620 MB/s with OpenSSL\'s AVX2 code on this CPU) and a fifth AES; '
    + 'the check is two cores of b-tree work, of which SHA-512 is an eighth. The HMAC algorithm is part of the file format (docs/development.md). '
    + 'Each checking connection keeps 256 MiB of decrypted pages while it runs (SQLCipher has no memory map; without it the check took 22 s).', '');
}
lines.push('## Window', '');
lines.push(`Cold start: a new process on a copy of the 100,000-entry diary, from spawn to the window's report that it has painted the diary's list (\`app_painted\`, two animation frames after the page with the list in it started rendering), under Xvfb. Runs: ${win.start_runs_ms.map((v) => f(v, 0)).join(', ')} ms. `
  + `The empty Tauri 2 window, measured the same way in the same run (its page calls \`app_ready\` after two frames), alternating: ${(win.empty_start_runs_ms ?? []).map((v) => f(v, 0)).join(', ')} ms.`
  + (win.working_runs_ms ? ` And on to every control working (\`app_ready\`: the modules loaded, the editor and the other views in, the last open dream loaded): ${win.working_runs_ms.map((v) => f(v, 0)).join(', ')} ms.` : ''), '');
lines.push('| measure | value | target | |', '|---|---|---|---|');
lines.push(`| cold start to the painted list, median | ${f(win.start_median_ms, 0)} ms | < 1500 ms | ${pass(win.start_median_ms < 1500)} |`);
if (win.empty_start_median_ms) {
  lines.push(`| empty Tauri 2 window start, median | ${f(win.empty_start_median_ms, 0)} ms | | |`);
  lines.push(`| start ratio (Haemong with 100,000 entries / empty window) | ${f(win.start_ratio, 2)}× | < 1.2× | ${pass(win.start_ratio < 1.2)} |`);
}
if (win.working_median_ms) {
  lines.push(`| cold start to every control working, median | ${f(win.working_median_ms, 0)} ms (${f(win.working_ratio, 2)}× the empty window) | | |`);
}
lines.push(`| idle PSS, Haemong | ${f(win.mem_app_median_kb / 1024)} MiB | | |`);
lines.push(`| idle PSS, empty Tauri 2 window | ${f(win.mem_empty_median_kb / 1024)} MiB | | |`);
lines.push(`| ratio | ${f(win.mem_ratio, 2)}× | ≤ 1.3× | ${pass(win.mem_ratio <= 1.3)} |`);
lines.push('');
lines.push(`Idle PSS is the sum over the app process and its descendants (${[...new Set(win.processes.app)].join(', ')}), read from \`/proc/PID/smaps_rollup\` after ${win.idle_ms / 1000} s idle; medians of ${win.mem_app_kb.length} alternating runs (Haemong: ${win.mem_app_kb.map((k) => f(k / 1024)).join(', ')} MiB; empty: ${win.mem_empty_kb.map((k) => f(k / 1024)).join(', ')} MiB).`);
lines.push('The empty window is `src-tauri/bench_empty.rs`: the same Tauri 2 build and config with a blank page, shown as Tauri shows it. '
  + 'Haemong\'s diary window is created hidden and shown when its page starts loading (session 12): shown at once, its first paint came while WebKit\'s web process was still starting, '
  + 'and WebKitGTK\'s UI thread waited for that process\'s first drawing update until a 500 ms timeout, so about every other start took ~950 instead of ~450 ms (docs/development.md). '
  + 'The empty window keeps that occasional slow start; a median of 9 rides over it.');
lines.push('The page cache is warm (one unmeasured start first): "cold" means a new process, not a cold disk.');
lines.push('How the first paint is made (session 14): the backend serves `index.html` with the top bar translated and the newest 100 dreams already in the list\'s markup (`src-tauri/app/first_paint.rs`, `app/serve.rs`); '
  + 'the editor, the panel and the other views wait in `<template>`s; a classic script reports the paint after two frames and only then loads the modules, which put the rest in and render the same list again (an end-to-end test compares the two). '
  + 'Before that the window painted once, after its modules, queries and rendering: 1.58–1.66× (~440 against ~270 ms). '
  + 'The parts were timed first in the empty window\'s own shell (`tests/bench/start-lab.mjs`): the blank page 1.00×, the top bar and sidebar with 100 static entries 1.10×, the whole markup with no script 1.20×, with the 27 modules evaluated 1.31× (docs/development.md, "the start\'s floor").');
if (win.encrypted) {
  lines.push(`Each copy of the diary is encrypted before it is measured (the release command line opens it once: converted, key in the session's gnome-keyring; median ${f(win.convert_median_s)} s for the ${f(core.db_mb, 0)} MB file), `
    + 'so each start opens an encrypted diary and takes its key from the keychain, as a user\'s does. The start before encryption (previous report): 442 ms against 279 ms, 1.58×.');
}
lines.push('');
lines.push('## Streaming an interpretation', '');
lines.push('The release app in its real window under Xvfb, driven through WebDriver, interpreting a saved entry against a local OpenAI-compatible server '
  + '(`tests/e2e/sse-server.js`) over loopback. The server and the page read the same clock (`performance.timeOrigin + performance.now()`); '
  + 'the page notes when each text node lands in `interpret-output` with a MutationObserver.', '');
lines.push('| measure | value | target | |', '|---|---|---|---|');
// Below the page timer's grain a median can come out negative (the DOM time is rounded down).
const grain = (v) => (v < stream.timer_resolution_ms ? `< ${f(stream.timer_resolution_ms, 0)} ms (${f(v, 2)}; below the page timer's grain)` : `${f(v, 2)} ms`);
lines.push(`| server writes a delta → delta in the DOM, median, at 100 deltas/s (${stream.paced_deltas} deltas) | ${grain(stream.latency_median_ms)} | < 2 ms | ${pass(stream.latency_median_ms < 2)} |`);
lines.push(`| same, p99 | ${f(stream.latency_p99_ms, 2)} ms | < 16 ms | ${pass(stream.latency_p99_ms < 16)} |`);
lines.push(`| burst of ${stream.burst_deltas.toLocaleString('en-US')} deltas: first byte written → last delta in the DOM | ${f(stream.burst_ms, 0)} ms | < 1500 ms | ${pass(stream.burst_ms < 1500)} |`);
lines.push(`| burst complete, ordered, byte-exact | ${stream.burst_exact && stream.burst_nodes_seen === stream.burst_deltas ? 'yes' : '**no**'} (${stream.burst_nodes_seen} text nodes) | all | ${pass(stream.burst_exact)} |`);
lines.push(`| click on \`interpret-run\` → request at the server, median of ${stream.click_runs} | ${f(stream.click_to_request_median_ms, 2)} ms | < 20 ms | ${pass(stream.click_to_request_median_ms < 20)} |`);
lines.push('');
lines.push(`The latency is end to end, loopback included (nothing subtracted), with a maximum of ${f(stream.latency_max_ms, 1)} ms and p90 of the click at ${f(stream.click_to_request_p90_ms, 1)} ms. `
  + `WebKit rounds \`performance.now()\` in the page to ${f(stream.timer_resolution_ms, 2)} ms, so each DOM time is known to that grain; the median is correspondingly uncertain by about half of it.`);
lines.push('The first clicks are not measured: they open the HTTP connection and read the key from the keychain once (it is then remembered until it changes, `Secrets::key`).');
lines.push('');
if (soakFile) {
  const soak = JSON.parse(readFileSync(soakFile, 'utf8'));
  const g = (x) => `${f(x.web)} / ${f(x.main)} / ${f(x.network)}`;
  lines.push('## A long session (memory soak)', '');
  lines.push('The release app in its real window under Xvfb (driven through WebDriver) against the local server. PSS per process kind from `/proc/PID/smaps_rollup`, '
    + 'each read after 3 s quiet; growth = later − earlier, in MiB, as **web / main / network** (WebKitWebProcess / haemong / WebKitNetworkProcess). '
    + 'Deltas ring the window and are taken in one IPC call (`docs/streaming.md`), which is what keeps the web process flat.', '');
  lines.push('| soak | growth (web / main / network) | target (web) | |', '|---|---|---|---|');
  lines.push(`| ${soak.short.runs} short interpretations of one entry (16 deltas each): 5th → ${soak.short.runs}th | ${g(soak.short.growth)} | < 15 MiB | ${pass(soak.short.growth.web < 15)} |`);
  lines.push(`| ${soak.long.runs} interpretations of ${soak.long.deltas.toLocaleString('en-US')} deltas: 1st → ${soak.long.runs}th | ${g(soak.long.growth)} | < 15 MiB | ${pass(soak.long.growth.web < 15)} |`);
  lines.push(`| ${soak.quick.runs} ad-hoc interpretations in the quick window: 5th → ${soak.quick.runs}th | ${g(soak.quick.growth)} | < 15 MiB | ${pass(soak.quick.growth.web < 15)} |`);
  lines.push(`| opening an entry with ${soak.open_history.interpretations} interpretations, ${soak.open_history.opens} times | ${g(soak.open_history.growth)} | no lasting growth | ${pass(soak.open_history.growth.web < 5)} |`);
  if (soak.search) lines.push(`| ${soak.search.searches.toLocaleString('en-US')} searches typed into the 100,000-entry diary: 20th → last | ${g(soak.search.growth)} | < 15 MiB | ${pass(soak.search.growth.web < 15)} |`);
  lines.push(`| ${soak.idle.idle_ms / 1000} s idle after all of it | ${g(soak.idle.growth_since_quick)} | nothing grows | ${pass(soak.idle.growth_since_quick.web <= 1 && soak.idle.growth_since_quick.main <= 1)} |`);
  lines.push('');
  lines.push(`Opening that entry (click → its history rendered: the newest ${soak.open_history.shown ?? soak.open_history.interpretations} of ${soak.open_history.interpretations}, the rest behind "Show older"): median ${f(soak.open_history.median_ms, 1)} ms, slowest ${f(soak.open_history.max_ms, 1)} ms (target < 50 ms: ${pass(soak.open_history.median_ms < 50)}).`);
  lines.push(`Web process PSS after the short runs: ${f(soak.short.after_all.web)} MiB; after everything and the idle minute: ${f(soak.idle.after.web)} MiB (main ${f(soak.idle.after.main)} MiB).`, '');
  if (soak.search) {
    lines.push(`The main process's growth over the searches (${f(soak.search.growth.main)} MiB) is the encrypted diary's page cache filling with decrypted pages, `
      + 'bounded at 64 MiB per connection (`ENCRYPTED_CACHE_KIB`), what keeps its searches as fast as the plain diary\'s (above). How much of it falls between the 20th and '
      + 'the last search depends on how full the caches were before: 32.1 MiB in session 9, when every connection\'s pages sat in one process-wide cache; each connection '
      + 'has its own since session 10 (docs/development.md). With the plain diary it was 10.1 MiB.', '');
  }
}
lines.push('## Sizes', '');
lines.push('| what | size | target | |', '|---|---|---|---|');
lines.push(`| release binary (\`haemong\`, stripped, UI embedded) | ${f(sizes.binary_bytes / 2 ** 20, 1)} MiB | | |`);
lines.push(`| \`${sizes.deb_file}\`${sizes.deb_data ? ` (${sizes.deb_data})` : ''} | ${f(sizes.deb_bytes / 2 ** 20, 1)} MiB (${f(sizes.deb_bytes / 1e6, 2)} MB) | < 8 MB | ${pass(sizes.deb_bytes < 8e6)} |`);
lines.push('', 'Crates off every measured path (the dialog and file-system plugins, rfd, zip, zopfli, YAML, jiff, clap\'s builder, '
  + 'D-Bus, the keychain, the plugins\' glue) are built for size (`Cargo.toml`, `[profile.release.package.*]`): with the data '
  + 'features they had taken the .deb to 8.24 MB. SQLite, the HTTP stack and Tauri\'s core stay at opt-level 3. '
  + 'Encryption at rest (issue 16) links OpenSSL\'s libcrypto statically into SQLCipher, vendored so that all three systems build and run '
  + 'the same crypto, as that issue asks: it took the .deb as tauri-bundler writes it (gzip) from 7.85 MB to 9.76 MB (session 10; the binary from 16.5 to 21 MiB). '
  + (sizes.deb_data === 'data.tar.xz'
    ? '`make package` then recompresses the package\'s files with xz, as Debian\'s own packages are (`scripts/repack-deb.sh`: the same entries, control files '
      + `and file checksums, compared before the bundler's file is replaced; \`make package-test\` installs that one): ${f(sizes.deb_bytes / 1e6, 2)} MB.`
    : `This .deb's files are in ${sizes.deb_data}: it was not recompressed (\`make package\` runs \`scripts/repack-deb.sh\`).`), '');
console.log(lines.join('\n'));
