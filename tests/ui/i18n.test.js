import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionaries, resolveLanguage, translate, errorMessage } from '../../ui/js/i18n.js';

test('Korean and English have exactly the same keys, none empty', () => {
  const ko = Object.keys(dictionaries.ko).sort();
  const en = Object.keys(dictionaries.en).sort();
  assert.deepEqual(ko, en, 'every key is translated both ways');
  for (const [lang, dict] of Object.entries(dictionaries)) {
    for (const [k, v] of Object.entries(dict)) assert.ok(v.trim(), `${lang}:${k} is not empty`);
  }
});

test('placeholders match between the languages', () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(dictionaries.en)) {
    assert.deepEqual(names(dictionaries.ko[k]), names(dictionaries.en[k]), `placeholders of ${k}`);
  }
});

test('the language follows the setting, else the system, else English', () => {
  assert.equal(resolveLanguage('ko', ['en-US']), 'ko', 'an explicit choice wins');
  assert.equal(resolveLanguage('system', ['ko-KR', 'en-US']), 'ko', 'system Korean');
  assert.equal(resolveLanguage('system', ['ko_KR.UTF-8']), 'ko', 'POSIX-style tags too');
  assert.equal(resolveLanguage('system', ['fr-FR', 'en-GB']), 'en', 'first supported system language');
  assert.equal(resolveLanguage('system', ['ja-JP']), 'en', 'unsupported falls back to English');
  assert.equal(resolveLanguage(undefined, []), 'en');
});

test('translate fills placeholders and falls back to English, then to the key', () => {
  assert.equal(translate('ko', 'settings.version', { version: '1.2.3' }), '버전 1.2.3');
  assert.equal(translate('en', 'list.noResults', { query: '돼지' }), 'No dream matches “돼지”.');
  assert.equal(translate('xx', 'nav.diary'), 'Diary', 'unknown language falls back to English');
  assert.equal(translate('ko', 'no.such.key'), 'no.such.key', 'a missing key shows itself');
  assert.equal(translate('en', 'settings.version'), 'Version {version}', 'a missing parameter stays visible');
});

test('command errors are translated by kind, with sizes formatted', () => {
  const err = { kind: 'too_long', message: 'the entry is too long', details: { chars: 1000001, limit: 1000000 } };
  assert.equal(errorMessage('ko', err), '기록이 너무 길어 저장할 수 없어요 (1,000,001자, 최대 1,000,000자).', 'figures come from details');
  assert.equal(errorMessage('en', { ...err, details: { chars: 12345, limit: 50 } }), 'This entry is too long to save (12,345 characters; the limit is 50).');
  assert.equal(errorMessage('en', { kind: 'too_long', message: '(9 characters; the limit is 8)' }).includes('9'), false,
    'the English message is never parsed for numbers');
  assert.equal(errorMessage('en', { kind: 'not_found', message: '' }), 'This entry no longer exists. It may have been deleted.');
  assert.equal(errorMessage('ko', new Error('boom')), dictionaries.ko['error.unknown'], 'anything else is a generic message');
  assert.equal(errorMessage('en', { kind: 'weird_new_kind' }), dictionaries.en['error.unknown']);
});

test('an import refused whole says why, in the same language', () => {
  const err = { kind: 'import_refused', message: 'import refused', details: { reason: 'unsafe_archive' } };
  assert.equal(errorMessage('en', err), `${dictionaries.en['error.import_refused']} ${dictionaries.en['import.reason.unsafe_archive']}`);
  assert.ok(errorMessage('ko', err).endsWith(dictionaries.ko['import.reason.unsafe_archive']), 'the Korean reason');
  assert.equal(errorMessage('en', { ...err, details: { reason: 'no_such_reason' } }), dictionaries.en['error.import_refused'],
    'an unknown reason adds nothing');
});
