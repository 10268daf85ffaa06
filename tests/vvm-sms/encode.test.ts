/** The EVVM Server's VVM texts: what it encodes the strict parser accepts; it never injects a field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeStatus, encodeSync, redactVvmSecrets, vvmDate, VvmEncodingError } from '../../simulators/protocol/vvm-sms/encode';
import { parseNotification } from '../../simulators/protocol/vvm-sms/parse';

describe('encode', () => {
  it('SYNC NM round-trips through the strict parser', () => {
    const text = encodeSync({ prefix: '//VVM', ev: 'NM', id: 17, c: 1, t: 'v', s: '+1234567890', dt: vvmDate(new Date(Date.UTC(2019, 4, 23, 10, 29))), l: 5 });
    assert.equal(text, '//VVM:SYNC:ev=NM;id=17;c=1;t=v;s=+1234567890;dt=23/05/2019 10:29 +0000;l=5');
    assert.equal(parseNotification(text, { prefix: '//VVM' }).ok, true);
  });

  it('STATUS R round-trips; U and B carry only st and rc', () => {
    const r = encodeStatus({ prefix: '//VVM', st: 'R', rc: 0, srv: 'evvm-server.op.example', dn: '94183', ipt: 993, u: 'tel:+15550001', pw: 'secret' });
    assert.equal(r, '//VVM:STATUS:st=R;rc=0;srv=evvm-server.op.example;dn=94183;ipt=993;u=tel:+15550001;pw=secret');
    assert.equal(parseNotification(r, { prefix: '//VVM' }).ok, true);
    assert.equal(encodeStatus({ prefix: '//VVM', st: 'B', rc: 2 }), '//VVM:STATUS:st=B;rc=2');
  });

  it('refuses a value that would inject a field or a control character', () => {
    for (const u of ['a;srv=evil.example', 'a=b', 'a\nb']) assert.throws(() => encodeStatus({ prefix: '//VVM', st: 'R', rc: 0, u }), VvmEncodingError);
  });

  it('redacts pw and smtp_pw, and nothing else', () => {
    assert.equal(redactVvmSecrets('//VVM:STATUS:st=R;rc=0;u=x;pw=secret;smtp_u=y;smtp_pw=other'), '//VVM:STATUS:st=R;rc=0;u=x;pw=«redacted»;smtp_u=y;smtp_pw=«redacted»');
    assert.equal(redactVvmSecrets('//VVM:STATUS:pw=first'), '//VVM:STATUS:pw=«redacted»');
    assert.equal(redactVvmSecrets('//VVM:SYNC:ev=NM;id=1;c=1;t=v'), '//VVM:SYNC:ev=NM;id=1;c=1;t=v');
  });
});
