import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { laneWidth, renderSequence, sequenceCss } from '../../harness/report/sequence';
import { tlsHandshakes } from '../../harness/report/handshakes';
import type { TranscriptEntry } from '../../evidence/transcript';
import { entry } from './fixture';

const lanesOf = (html: string): string[] => [...html.matchAll(/<span class="o\d+" title="([^"]*)">([^<]*)<\/span>/g)].map((m) => m[2]!);
const rowsOf = (html: string): string[] => [...html.matchAll(/<p class="([^"]*)"[^>]*><span>([^<]*)<\/span><\/p>/g)].map((m) => `${m[1]} | ${m[2]}`);

function numbered(list: Partial<TranscriptEntry>[]): TranscriptEntry[] {
  return list.map((e, i) => entry({ actor: 'X', dir: 'event', text: '', ...e, t: i, seq: i }));
}

describe('sequence diagram', () => {
  it('draws a message once when both ends recorded it, also when one side names the other by its role', () => {
    const { html } = renderSequence(
      numbered([
        { actor: 'EVVM Server', peer: 'SMSC', channel: 'smpp', dir: 'send', text: 'bind_transceiver #1' },
        { actor: 'SMSC', peer: 'ESME', channel: 'smpp', dir: 'recv', text: 'bind_transceiver #1' },
        { actor: 'SMSC', peer: 'ESME', channel: 'smpp', dir: 'recv', text: 'bind_transceiver #1' },
        { actor: 'EVVM Server', peer: 'External IUT', channel: 'imap', dir: 'recv', text: '* OK ready' },
      ]),
    );
    assert.deepEqual(rowsOf(html), [
      'm o0 w1 c-smpp | bind_transceiver #1',
      // a second receipt with no second send: drawn from the receiver's record (dashed)
      'm o1 w1 l d c-smpp | bind_transceiver #1',
      'm o0 w3 l d c-imap | * OK ready',
    ]);
    assert.deepEqual(lanesOf(html), ['EVVM Server', 'SMSC', 'ESME', 'External IUT']);
  });

  it('names a peer known only by its address after the party that talks to that actor, and makes no lane for an event\'s peer', () => {
    const { html, lanes } = renderSequence(
      numbered([
        { actor: 'EVVM Client', peer: '127.0.0.1:38517', channel: 'imap', text: 'retrieving voicemail over implicit-tls' },
        { actor: 'Rogue IMAP Server', peer: 'EVVM Client', channel: 'imap', dir: 'send', text: '* OK Rogue IMAP Server ready' },
        { actor: 'EVVM Client', peer: '127.0.0.1:38517', channel: 'cms', dir: 'recv', text: 'served voicemail UID 2' },
        { actor: 'TLS Version Probe', peer: '127.0.0.1:40000', channel: 'smtp', dir: 'recv', text: '220 ready' },
      ]),
    );
    assert.deepEqual(lanesOf(html), ['EVVM Client', 'Rogue IMAP Server', 'TLS Version Probe', "TLS Version Probe's peer"]);
    assert.equal(lanes, 4);
    assert.doesNotMatch(lanesOf(html).join(), /127\.0\.0\.1/);
    assert.match(html, /title="Rogue IMAP Server, at 127\.0\.0\.1:38517"/, 'the address stays in the tooltip');
    assert.deepEqual(rowsOf(html), [
      'n o0 c-imap | retrieving voicemail over implicit-tls',
      'm o0 w1 l c-imap | * OK Rogue IMAP Server ready',
      'm o0 w1 l d c-cms | served voicemail UID 2',
      'm o2 w1 l d c-smtp | 220 ready',
    ]);
  });

  it('colours a check by its result: a failing check is red, not green', () => {
    const { html } = renderSequence(
      numbered([
        { actor: 'Harness', channel: 'check', text: 'PASS EVVM-AUTH-03 ServerAuthenticated: refused' },
        { actor: 'Harness', channel: 'check', text: 'FAIL EVVM-AUTH-03 NoCredentialReachedAdversary: Rogue IMAP Server received AUTHENTICATE PLAIN' },
      ]),
    );
    const rows = rowsOf(html);
    assert.match(rows[0]!, /^n o0 c-check k-pass \| PASS/);
    assert.match(rows[1]!, /^n o0 c-check k-fail \| FAIL/);
    assert.match(sequenceCss(1), /\.sq\.L1\{/);
  });

  it('keeps every label whole (the page cuts it on screen only) and records where each line came from', () => {
    const text = `1 LOGIN ${'x'.repeat(5000)} end`;
    const { html } = renderSequence(numbered([{ actor: 'EVVM Client', peer: 'EVVM Server', dir: 'send', text, conn: 'imap-1', container: 'evvm-client' }]));
    assert.ok(html.includes(`<span>${text}</span>`));
    assert.match(html, /data-t="0" data-c="imap-1" data-k="evvm-client"/);
  });

  it('fits twelve lifelines in a 1280-pixel window and gives two room', () => {
    assert.ok(44 + 12 * laneWidth(12) <= 1280 - 48 - 24, `${12 * laneWidth(12)} px`);
    assert.equal(laneWidth(2), 200);
    const twelve = numbered(Array.from({ length: 12 }, (_, i) => ({ actor: `Party ${i}`, peer: `Party ${(i + 1) % 12}`, dir: 'send' as const, text: 'hello' })));
    const { html, lanes } = renderSequence(twelve);
    assert.equal(lanes, 12);
    assert.match(html, /^<div class="sq L12"><div class="hd">/);
    assert.match(sequenceCss(12), /\.sq\.L12\{--N:12;--W:96px\}/);
  });

  it('finds the certificate details each TLS line names, and every TLS line', () => {
    const found = tlsHandshakes(
      numbered([
        { actor: 'Test Client', peer: 'IMAP Server', channel: 'tls', text: 'TLS handshake (implicit) ok: TLSv1.3 TLS_AES_256_GCM_SHA384; server certificate "CN=evvm-server, O=EVVM Test PKI" issued by "CN=EVVM Test Issuing CA, O=EVVM Test PKI", sha256 98:0F:8D:9D:A0:38:20:49:2E:A8:DB:1A:9E:6B:D1:43:D5:D2:29:FE:62:91:B1:AB:53:1C:6C:26:03:CF:06:AC; authorized' },
        { actor: 'EVVM Server', peer: 'Peer EVVM Server', channel: 'tls', text: 'REFUSED peer certificate [CN=forwarding-gateway, O=EVVM Test PKI]: certificate not valid: CERT_HAS_EXPIRED' },
        { actor: 'EVVM Server', channel: 'tls', text: "TLS handshake (implicit) failed: ERR_TLS_CERT_ALTNAME_INVALID: Host: message-storage.op.example. is not in the cert's altnames: DNS:attacker.example" },
        { actor: 'EVVM Client', peer: '127.0.0.1:1', channel: 'imap', text: 'TLS TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256' },
        { actor: 'EVVM Client', peer: 'EVVM Server', channel: 'imap', dir: 'send', text: 'a1 STARTTLS TLSv1.2' },
        { actor: 'Harness', channel: 'check', text: 'PASS STD-07 TLSv1 refused' },
      ]),
    );
    assert.equal(found.length, 4, 'tls lines and TLS events; not IMAP commands, not checks');
    assert.deepEqual(
      { ...found[0], entry: undefined },
      { entry: undefined, protocol: 'TLSv1.3 TLS_AES_256_GCM_SHA384', peer: { subject: 'CN=evvm-server, O=EVVM Test PKI', issuer: 'CN=EVVM Test Issuing CA, O=EVVM Test PKI', sha256: '98:0F:8D:9D:A0:38:20:49:2E:A8:DB:1A:9E:6B:D1:43:D5:D2:29:FE:62:91:B1:AB:53:1C:6C:26:03:CF:06:AC' } },
    );
    assert.equal(found[1]!.peer?.subject, 'CN=forwarding-gateway, O=EVVM Test PKI');
    assert.equal(found[2]!.peer?.san, 'DNS:attacker.example');
    assert.equal(found[3]!.protocol, 'TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256');
  });
});
