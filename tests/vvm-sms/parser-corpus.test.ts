/**
 * The negative corpus of the EVVM Client's strict VVM notification parser (EVVM-SMS-C04): spec.md §c.6,
 * and the rows the EVVM-SMS-C04 feature carried as Examples before it kept one defect of each kind (a wrong
 * prefix, an id of 22 digits, a separator injected in u: those still run end to end). Each case is
 * well-formed but for its defect, as the EVVM Server's STATUS would name its own server and the
 * subscriber: the strict parser rejects it, for the reason given; the lax parser of the fault
 * evvm-client:lax-sms-parser accepts it (what the feature's scenarios catch), or rejects it too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNotification, parseNotificationLax } from '../../simulators/protocol/vvm-sms/parse';

const PREFIX = { prefix: '//VVM' };
/** what the EVVM Server's STATUS names: its IMAP server and the subscriber's account */
const SRV = 'evvm-server.op.example';
const IPT = 993;
const MSISDN = 'tel:+15550001';
const status = (fields: string): string => `//VVM:STATUS:st=R;rc=0;${fields}`;
const account = `srv=${SRV};ipt=${IPT};u=${MSISDN}`;

interface Case {
  defect: string;
  text: string;
  /** why the strict parser rejects it */
  strict: RegExp;
  /** what the lax parser does with it */
  lax: 'accepts' | 'rejects';
}

const CORPUS: Case[] = [
  // the prefix and the event
  { defect: 'a wrong prefix', text: '//XVM:SYNC:ev=NM;id=1;c=1;t=v', strict: /client prefix/, lax: 'accepts' },
  { defect: 'a lower-case prefix', text: '//vvm:SYNC:ev=NM;id=1;c=1;t=v', strict: /client prefix/, lax: 'accepts' },
  { defect: 'no prefix at all', text: 'SYNC:ev=NM;id=1;c=1;t=v', strict: /client prefix/, lax: 'rejects' },
  { defect: 'a wrong event', text: '//VVM:SYNCX:ev=NM;id=1;c=1;t=v', strict: /unknown event "SYNCX"/, lax: 'accepts' },
  { defect: 'a lower-case event', text: '//VVM:sync:ev=NM;id=1;c=1;t=v', strict: /unknown event "sync"/, lax: 'accepts' },
  { defect: 'an unknown event', text: '//VVM:GREETING:ev=NM', strict: /unknown event/, lax: 'rejects' },
  { defect: 'no fields', text: '//VVM:SYNC:', strict: /no fields/, lax: 'accepts' },
  // SYNC fields
  { defect: 'an unknown ev', text: '//VVM:SYNC:ev=ZZ;c=1', strict: /ev=ZZ/, lax: 'accepts' },
  { defect: 'a SYNC without ev', text: '//VVM:SYNC:c=1', strict: /without ev/, lax: 'accepts' },
  { defect: 'no id in a new-message SYNC', text: '//VVM:SYNC:ev=NM;c=1;t=v', strict: /without id/, lax: 'accepts' },
  { defect: 'no t in a new-message SYNC', text: '//VVM:SYNC:ev=NM;id=1;c=1', strict: /without t/, lax: 'accepts' },
  { defect: 'a SYNC without c', text: '//VVM:SYNC:ev=MBU', strict: /without c/, lax: 'accepts' },
  { defect: 'an id of 22 digits', text: '//VVM:SYNC:ev=NM;id=1234567890123456789012;c=1;t=v', strict: /id is not a UID/, lax: 'accepts' },
  { defect: 'a non-numeric id', text: '//VVM:SYNC:ev=NM;id=12a;c=1;t=v', strict: /id is not a UID/, lax: 'accepts' },
  { defect: 'a c of six digits', text: '//VVM:SYNC:ev=NM;id=1;c=123456;t=v', strict: /c is not a number/, lax: 'accepts' },
  { defect: 'an unknown message type', text: '//VVM:SYNC:ev=NM;id=1;c=1;t=x', strict: /message type t=x/, lax: 'accepts' },
  { defect: 'a malformed dt', text: '//VVM:SYNC:ev=NM;id=1;c=1;t=v;dt=yesterday', strict: /dt is not/, lax: 'accepts' },
  // STATUS fields
  { defect: 'a u of 51 characters', text: status(`srv=${SRV};ipt=${IPT};u=${'a'.repeat(51)};pw=x`), strict: /u is empty or longer than 50/, lax: 'accepts' },
  { defect: 'a pw of 31 characters', text: status(`${account};pw=${'x'.repeat(31)}`), strict: /pw is empty or longer than 30/, lax: 'accepts' },
  { defect: 'an empty pw', text: status(`${account};pw=`), strict: /pw is empty/, lax: 'accepts' },
  { defect: 'a non-numeric port', text: status(`srv=${SRV};ipt=${IPT}i;u=${MSISDN};pw=x`), strict: /ipt is not numeric/, lax: 'accepts' },
  { defect: 'port 0', text: status(`srv=${SRV};ipt=0;u=${MSISDN};pw=x`), strict: /ipt 0 is not a TCP port/, lax: 'accepts' },
  { defect: 'port 70000', text: status(`srv=${SRV};ipt=70000;u=${MSISDN};pw=x`), strict: /ipt 70000 is not a TCP port/, lax: 'accepts' },
  { defect: 'a srv with a space', text: status(`srv=a b;ipt=${IPT};u=${MSISDN};pw=x`), strict: /srv is not a host name/, lax: 'accepts' },
  { defect: 'an st=R without pw', text: status(account), strict: /without pw/, lax: 'accepts' },
  { defect: 'a quoted st', text: '//VVM:STATUS:st="N";rc=0', strict: /st="N"/, lax: 'accepts' },
  { defect: 'an unknown st', text: '//VVM:STATUS:st=Z;rc=0', strict: /st=Z/, lax: 'accepts' },
  { defect: 'st=B with credentials', text: `//VVM:STATUS:st=B;rc=2;u=${MSISDN};pw=x`, strict: /st=B with u, pw \(never returned/, lax: 'accepts' },
  { defect: 'st=U with credentials', text: '//VVM:STATUS:st=U;rc=3;u=x;pw=y', strict: /st=U with u, pw/, lax: 'accepts' },
  { defect: 'st=B with SMTP credentials', text: '//VVM:STATUS:st=B;rc=2;smtp_u=x;smtp_pw=y', strict: /st=B with smtp_u, smtp_pw/, lax: 'accepts' },
  // injection and structure
  { defect: 'a separator injected in u', text: status(`${account};srv=attacker.example;pw=x`), strict: /duplicate key srv/, lax: 'accepts' },
  { defect: 'an "=" injected in u', text: status(`${account}=x;pw=x`), strict: /value of u contains "="/, lax: 'accepts' },
  { defect: 'a duplicate key', text: status(`srv=${SRV};srv=attacker.example;ipt=${IPT};u=${MSISDN};pw=x`), strict: /duplicate key srv/, lax: 'accepts' },
  { defect: 'a space before a key (the v1.2 example\'s "; u=")', text: status(`srv=${SRV};ipt=${IPT}; u=${MSISDN};pw=x`), strict: /invalid key " u"/, lax: 'accepts' },
  { defect: 'an empty field', text: '//VVM:SYNC:ev=MBU;;c=0', strict: /empty field/, lax: 'accepts' },
  { defect: 'a trailing separator', text: '//VVM:SYNC:ev=MBU;c=0;', strict: /empty field/, lax: 'accepts' },
  { defect: 'a field without "="', text: '//VVM:SYNC:ev=MBU;c', strict: /has no "="/, lax: 'accepts' },
  { defect: 'a control character', text: '//VVM:SYNC:ev=NM;id=1;c=1;t=v;s=\n', strict: /printable ASCII/, lax: 'accepts' },
  { defect: 'a non-ASCII character', text: '//VVM:SYNC:ev=NM;id=1;c=1;t=v;txt=é', strict: /printable ASCII/, lax: 'accepts' },
  { defect: 'far too long a text', text: `//VVM:SYNC:ev=MBU;c=0;txt=${'x'.repeat(700)}`, strict: /longer than/, lax: 'accepts' },
];

describe('the corpus is malformed only by its defects', () => {
  it('the well-formed SYNC and STATUS the cases are made from parse', () => {
    assert.equal(parseNotification('//VVM:SYNC:ev=NM;id=1;c=1;t=v', PREFIX).ok, true);
    assert.equal(parseNotification(status(`${account};pw=x`), PREFIX).ok, true);
  });

  it('names every defect once', () => {
    assert.equal(new Set(CORPUS.map((c) => c.defect)).size, CORPUS.length);
  });
});

describe('the strict parser rejects every case of the corpus, for its reason', () => {
  for (const c of CORPUS) {
    it(c.defect, () => {
      const r = parseNotification(c.text, PREFIX);
      assert.equal(r.ok, false, `accepted: ${JSON.stringify(c.text)}`);
      if (!r.ok) assert.match(r.reason, c.strict);
    });
  }
});

describe('the lax parser (fault evvm-client:lax-sms-parser) accepts what real lax parsers accept', () => {
  for (const c of CORPUS) {
    it(`${c.defect}: ${c.lax}`, () => assert.equal(parseNotificationLax(c.text).ok, c.lax === 'accepts', JSON.stringify(c.text)));
  }
});
