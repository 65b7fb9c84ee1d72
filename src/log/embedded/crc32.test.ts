import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, crc32Portable } from './crc32.js';

test('crc32 of the standard check string is 0xcbf43926', () => {
  const check = Buffer.from('123456789');
  assert.equal(crc32(check), 0xcbf43926);
  assert.equal(crc32Portable(check), 0xcbf43926);
});

test('the portable fallback agrees with the native crc32 on random data', () => {
  const data = Buffer.alloc(4099);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + 13) & 0xff;
  assert.equal(crc32Portable(data), crc32(data));
  assert.equal(crc32(Buffer.alloc(0)), 0);
});
