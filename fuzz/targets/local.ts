/**
 * The parsers that run in the harness's own process: the VVM SMS parser and profile loading. A probe
 * here is a timer: an input that blocks the event loop delays it (a stall); an exception other than the
 * parser's own refusal is a crash.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../harness/paths';
import { parseProfile, ProfileError } from '../../harness/profile/profile';
import { notificationKeys, parseNotification, parseNotificationLax, splitNotification } from '../../simulators/protocol/vvm-sms/parse';
import type { Rng } from '../rng';
import type { Driver, Target } from '../runner';

/** Lets timers run between inputs, so the probe measures one input's blocking time. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const timerProbe = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const SMS = [
  '//VVM:SYNC:ev=NM;id=3446456;c=1;t=v;s=01234567898;dt=02/08/2008 12:53 +0200;l=30',
  '//VVM:STATUS:st=N;rc=0;srv=vvm.example.com;tui=123;dn=999;ipt=143;spt=25;u=78236487@wirelesscarrier.com;pw=32u4yguetrr34;lang=eng|fre;g_len=25;vs_len=15;pw_len=4-6;smtp_u=super_user@wirelesscarrier.com;smtp_pw=48769463wer;pm=Y;gm=N;vtc=D;vt=1',
  '//VVM:SYNC:ev=MBU;dt=02/08/2008 12:53 +0200',
];

function smsText(r: Rng): string {
  if (r.chance(0.1)) return r.text(r.size(5000));
  let t = r.pick(SMS);
  if (r.chance(0.2)) t += `;${'x=1;'.repeat(r.size(3000))}`;
  return r.chance(0.8) ? r.mutate(t) : t;
}

export const vvmSmsTarget: Target = {
  name: 'vvm-sms',
  async start(): Promise<Driver> {
    return {
      async feed(r) {
        const text = smsText(r);
        parseNotification(text, { prefix: r.pick(['//VVM', '//EVVM', '']) });
        parseNotificationLax(text);
        splitNotification(text);
        notificationKeys(text);
        await tick();
        return 'answered';
      },
      probe: timerProbe,
      async stop() {},
    };
  },
};

function yamlDoc(r: Rng, base: string): string {
  switch (r.int(6)) {
    case 0:
      return r.mutate(base);
    case 1:
      return `${Array.from({ length: r.size(300) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`;
    case 2:
      return `name: x\n${Array.from({ length: r.size(5000) }, (_, i) => `k${i}: ${i}`).join('\n')}\n`;
    case 3:
      return `a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\nname: ${r.text(10)}\n`;
    case 4:
      return `name: ${r.pick(['!!js/function "x"', '!!binary aGk=', '!custom x', '!!python/object:os.system x', '!!set {a, b}', '!!timestamp 2001-12-14', '!!omap [a: 1]'])}\n`;
    default:
      return r.text(r.size(2000));
  }
}

export const profileTarget: Target = {
  name: 'profile',
  async start(): Promise<Driver> {
    const base = readFileSync(path.join(projectRoot(), 'profiles', 'default.yaml'), 'utf8');
    return {
      async feed(r) {
        try {
          parseProfile(yamlDoc(r, base), 'fuzz.yaml');
        } catch (e) {
          // a refusal is the parser's answer; anything else escaped it
          if (!(e instanceof ProfileError)) throw e;
        }
        await tick();
        return 'answered';
      },
      probe: timerProbe,
      async stop() {},
    };
  },
};
