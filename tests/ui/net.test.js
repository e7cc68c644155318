import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback } from '../../ui/js/net.js';

test('only addresses on this computer count as loopback', () => {
  for (const u of ['http://localhost:11434/v1', 'localhost:1234', 'http://127.0.0.1:8080', 'http://[::1]:11434/v1', 'http://127.1.2.3']) {
    assert.equal(isLoopback(u), true, u);
  }
  for (const u of ['https://api.openai.com/v1', 'http://192.168.1.5:11434', 'http://localhost.evil.com', 'http://127.0.0.1.nip.io', 'not a url ::', '']) {
    assert.equal(isLoopback(u), false, u);
  }
});
