import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findCredentials } from '../../harness/evidence/credentials';

describe('findCredentials', () => {
  it('names the credential-bearing commands a party received and says their arguments were withheld, not cut', () => {
    const got = findCredentials(Buffer.from('1 ID NIL\r\n2 AUTHENTICATE PLAIN\r\nAGFsaWNlAFMzY3JldC1wdw==\r\n3 LOGIN alice S3cret-pw\r\n'), ['S3cret-pw']);
    assert.deepEqual(got, { commands: ['AUTHENTICATE PLAIN «withheld»', 'LOGIN «withheld»'], secretsSeen: 1 });
    assert.ok(!got.commands.join().includes('…'));
  });
});
