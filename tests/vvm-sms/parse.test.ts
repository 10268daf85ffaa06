/**
 * The EVVM Client's strict VVM notification parser (EVVM-SMS-C04): the published examples parse, and the
 * lax parser of the fault evvm-client:lax-sms-parser reads what real lax parsers read. The negative
 * corpus is parser-corpus.test.ts.
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
