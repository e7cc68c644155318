import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, isLocalNetwork } from '../../ui/js/net.js';

test('only addresses on this computer count as loopback', () => {
  for (const u of ['http://localhost:11434/v1', 'localhost:1234', 'http://127.0.0.1:8080', 'http://[::1]:11434/v1', 'http://127.1.2.3']) {
    assert.equal(isLoopback(u), true, u);
  }
  for (const u of ['https://api.openai.com/v1', 'http://192.168.1.5:11434', 'http://localhost.evil.com', 'http://127.0.0.1.nip.io', 'not a url ::', '']) {
    assert.equal(isLoopback(u), false, u);
  }
});

test('plain http is fine on this computer and the local network, and only there', () => {
  for (const u of ['http://localhost:11434/v1', 'http://192.168.0.10:11434/v1', 'http://10.1.2.3/v1', 'http://172.20.0.1/v1',
    'http://169.254.1.1/v1', 'http://[fd00::1]/v1', 'http://nas/v1', 'http://nas.local:8080/v1', 'http://box.home.arpa/v1',
    'http://0.0.0.0:11434/v1', 'http://[::ffff:192.168.1.2]/v1']) {
    assert.equal(isLocalNetwork(u), true, u);
  }
  for (const u of ['http://api.example.com/v1', 'http://8.8.8.8/v1', 'http://172.32.0.1/v1', 'http://[2001:db8::1]/v1',
    'http://localhost.example.com/v1', 'not a url at all ::', 'http://[::ffff:8.8.8.8]/v1']) {
    assert.equal(isLocalNetwork(u), false, u);
  }
});
