/**
 * The EVVM Client's strict VVM notification parser (EVVM-SMS-C04): the published examples parse, the
 * negative corpus of spec.md §c.6 is rejected with a reason, and the lax parser of the fault
 * evvm-client:lax-sms-parser accepts what real lax parsers accept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationKeys, parseNotification, parseNotificationLax, type StatusNotification, type SyncNotification } from '../../simulators/protocol/vvm-sms/parse';

const opts = { prefix: '//VVM' };
const ok = (text: string) => {
  const r = parseNotification(text, opts);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.reason}`);
  return r.notification;
};
const rejected = (text: string, why: RegExp): void => {
  const r = parseNotification(text, opts);
  assert.equal(r.ok, false, `accepted: ${text}`);
  if (!r.ok) assert.match(r.reason, why, text);
};

describe('published examples parse (spec.md §c.2, §c.3)', () => {
  it('SYNC NM, Orange v1.2 example', () => {
    const n = ok('//VVM:SYNC:ev=NM;id=3446456;c=1;t=v;s=01234567898;dt=02/08/2008 12:53 +0200;l=30') as SyncNotification;
    assert.deepEqual([n.event, n.ev, n.uid, n.count, n.type, n.sender, n.dt, n.length], ['SYNC', 'NM', '3446456', 1, 'v', '01234567898', '02/08/2008 12:53 +0200', 30]);
  });

  it('SYNC NM with CLI restricted (no s, no l), and with an empty s', () => {
    ok('//VVM:SYNC:ev=NM;id=3446456;c=1;t=v;dt=02/08/2008 12:53 +0200');
    assert.equal((ok('//VVM:SYNC:ev=NM;id=1;c=1;t=v;s=') as SyncNotification).sender, '');
  });

  it('a field capture with the operator field txt, and MBU with a zero-padded count', () => {
    ok('//VVM:SYNC:ev=NM;txt=You have received a new message, call 123;id=1234567890;c=00001;t=v;s=+1234567890;dt=15/05/2022 17:02 +0200;l=33');
    assert.equal((ok('//VVM:SYNC:ev=MBU;c=00000') as SyncNotification).count, 0);
    assert.equal((ok('//VVM:SYNC:ev=GU;c=2') as SyncNotification).ev, 'GU');
  });

  it('STATUS st=R (AOSP example) and v1.2\'s "1:" server type prefix', () => {
    const n = ok('//VVM:STATUS:st=R;rc=0;srv=1;dn=1;ipt=1;spt=0;u=eg@example.com;pw=1') as StatusNotification;
    assert.deepEqual([n.st, n.rc, n.server, n.imapPort, n.username, n.password], ['R', 0, '1', 1, 'eg@example.com', '1']);
    assert.equal((ok('//VVM:STATUS:st=N;rc=0;srv=1:10.115.67.251;ipt=143;u=a@b;pw=x') as StatusNotification).server, '10.115.67.251');
  });

  it('STATUS st=U and st=B with only st and rc', () => {
    ok('//VVM:STATUS:st=U;rc=3');
    ok('//VVM:STATUS:st=B;rc=2');
    ok('//VVM:STATUS:st=P;rc=0');
  });

  it('an operator prefix other than //VVM', () => {
    assert.equal(parseNotification('//VZWVVM:SYNC:ev=MBU;c=0', { prefix: '//VZWVVM' }).ok, true);
    assert.equal(parseNotification('//VVM:SYNC:ev=MBU;c=0', { prefix: '//VZWVVM' }).ok, false);
  });
});

describe('the negative corpus (spec.md §c.6) is rejected', () => {
  const u51 = 'a'.repeat(51);
  const pw31 = 'p'.repeat(31);
  const cases: Array<[string, string, RegExp]> = [
    ['wrong prefix', '//XVM:SYNC:ev=NM;id=1;c=1;t=v', /prefix/],
    ['lower-case prefix', '//vvm:SYNC:ev=NM;id=1;c=1;t=v', /prefix/],
    ['wrong event', '//VVM:SYNCX:ev=NM', /event/],
    ['lower-case event', '//VVM:sync:ev=NM;id=1;c=1;t=v', /event/],
    ['unknown ev', '//VVM:SYNC:ev=ZZ;c=1', /ev=ZZ/],
    ['SYNC without ev', '//VVM:SYNC:c=1', /without ev/],
    ['SYNC NM without id', '//VVM:SYNC:ev=NM;c=1;t=v', /without id/],
    ['SYNC NM without t', '//VVM:SYNC:ev=NM;id=1;c=1', /without t/],
    ['SYNC without c', '//VVM:SYNC:ev=MBU', /without c/],
    ['id of 22 digits', '//VVM:SYNC:ev=NM;id=1234567890123456789012;c=1;t=v', /id/],
    ['non-numeric id', '//VVM:SYNC:ev=NM;id=12a;c=1;t=v', /id/],
    ['c of six digits', '//VVM:SYNC:ev=NM;id=1;c=123456;t=v', /c is not/],
    ['unknown message type', '//VVM:SYNC:ev=NM;id=1;c=1;t=x', /type/],
    ['malformed dt', '//VVM:SYNC:ev=NM;id=1;c=1;t=v;dt=yesterday', /dt/],
    ['over-length u', `//VVM:STATUS:st=R;rc=0;srv=a;ipt=993;u=${u51};pw=x`, /u is/],
    ['over-length pw', `//VVM:STATUS:st=R;rc=0;srv=a;ipt=993;u=x;pw=${pw31}`, /pw is/],
    ['empty pw', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=993;u=x;pw=', /pw is/],
    ['non-numeric port', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=143i;u=x;pw=y', /ipt is not numeric/],
    ['port 0', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=0;u=x;pw=y', /not a TCP port/],
    ['port 70000', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=70000;u=x;pw=y', /not a TCP port/],
    ['injected srv inside u', '//VVM:STATUS:st=R;rc=0;srv=good.example;ipt=993;u=a;srv=evil.example;pw=y', /duplicate key srv/],
    ['injected "=" inside a value', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=993;u=a=b;pw=y', /"="/],
    ['duplicate key', '//VVM:STATUS:st=R;rc=0;srv=a;srv=b;ipt=993;u=x;pw=y', /duplicate key srv/],
    ['st=U with credentials', '//VVM:STATUS:st=U;rc=3;u=x;pw=y', /never returned/],
    ['st=B with smtp credentials', '//VVM:STATUS:st=B;rc=2;smtp_u=x;smtp_pw=y', /never returned/],
    ['st=R without pw', '//VVM:STATUS:st=R;rc=0;srv=a;ipt=993;u=x', /without pw/],
    ['quoted st', '//VVM:STATUS:st="N";rc=0', /st=/],
    ['unknown st', '//VVM:STATUS:st=Z;rc=0', /st=Z/],
    ['srv with a space', '//VVM:STATUS:st=R;rc=0;srv=a b;ipt=993;u=x;pw=y', /srv/],
    ['a space before a key (the v1.2 example\'s "; u=")', '//VVM:STATUS:st=N;rc=0;srv=a;ipt=143; u=x;pw=y', /invalid key/],
    ['an empty field', '//VVM:SYNC:ev=MBU;;c=0', /empty field/],
    ['a trailing separator', '//VVM:SYNC:ev=MBU;c=0;', /empty field/],
    ['a field without "="', '//VVM:SYNC:ev=MBU;c', /no "="/],
    ['a control character', '//VVM:SYNC:ev=NM;id=1;c=1;t=v;s=\n', /printable/],
    ['non-ASCII', '//VVM:SYNC:ev=NM;id=1;c=1;t=v;txt=é', /printable/],
    ['no fields', '//VVM:SYNC:', /no fields/],
    ['far too long', `//VVM:SYNC:ev=MBU;c=0;txt=${'x'.repeat(700)}`, /longer than/],
  ];
  for (const [name, text, why] of cases) it(name, () => rejected(text, why));
});

describe('the lax parser (fault evvm-client:lax-sms-parser) accepts what the strict one refuses', () => {
  it('prefix variants, unknown events by prefix, last duplicate wins, parseInt ports', () => {
    for (const t of ['//XVM:SYNC:ev=NM;id=1;c=1;t=v', '//VVM:SYNCX:ev=NM', '//VVM:SYNC:ev=ZZ;c=1', '//VVM:SYNC:ev=NM;c=1;t=v']) assert.equal(parseNotificationLax(t).ok, true, t);
    const r = parseNotificationLax('//VVM:STATUS:st=R;rc=0;srv=a;srv=evil.example;ipt=143i;u=x;pw=y');
    assert.ok(r.ok && r.notification.event === 'STATUS');
    if (r.ok && r.notification.event === 'STATUS') assert.deepEqual([r.notification.server, r.notification.imapPort], ['evil.example', 143]);
  });
});

describe('notificationKeys (what a C05 check looks at)', () => {
  it('lists every key as sent, duplicates included', () => {
    assert.deepEqual(notificationKeys('//VVM:STATUS:st=B;rc=2;u=x; pw=y;u=z'), ['st', 'rc', 'u', 'pw', 'u']);
    assert.deepEqual(notificationKeys('no notification'), []);
  });
});
