/** Peer identity rules: dNSName extraction and RFC 6125 matching. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dnsNames, nameMatches } from '../../simulators/protocol/smtp/peer';

it('reads dNSName values only', () => {
  assert.deepEqual(dnsNames('DNS:evvm-server.peer.example, IP Address:127.0.0.1, email:a@b, DNS:Localhost'), ['evvm-server.peer.example', 'localhost']);
  assert.deepEqual(dnsNames(undefined), []);
});

it('matches exactly or by a leftmost wildcard, never across labels', () => {
  assert.ok(nameMatches('evvm-server.peer.example', 'EVVM-Server.peer.example.'));
  assert.ok(nameMatches('*.peer.example', 'evvm-server.peer.example'));
  assert.ok(!nameMatches('*.example', 'evvm-server.peer.example'));
  assert.ok(!nameMatches('evvm-server.op.example', 'evvm-server.peer.example'));
  assert.ok(!nameMatches('peer.example', 'evvm-server.peer.example'));
});
