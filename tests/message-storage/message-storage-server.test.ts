/** The Message Storage Server: the CPM authentication profile, PSK-TLS, subscription, its fault switches. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ALICE, BOB, PSK, startMss, type Mss } from './helpers';

describe('Message Storage Server, conformant', () => {
  let mss: Mss;
  before(async () => {
    mss = await startMss();
  });
  after(() => mss.server.stop());

  it('before TLS: STARTTLS and LOGINDISABLED, no AUTH= at all (client certificates required), LOGIN and PLAIN refused', async () => {
    const c = await mss.client({ transport: 'starttls' });
    try {
      const caps = await c.capabilities();
      assert.ok(caps.includes('STARTTLS') && caps.includes('LOGINDISABLED'), caps.join(' '));
      assert.ok(!caps.some((x) => x.startsWith('AUTH=')), caps.join(' '));
      assert.equal((await c.login(ALICE.username, ALICE.password)).status, 'NO');
      const plain = await c.authenticate('PLAIN', { authcid: ALICE.username, password: ALICE.password });
      assert.equal(plain.status, 'NO');
      assert.equal(plain.code, 'PRIVACYREQUIRED');
      assert.equal(await c.command('SELECT INBOX'), 'BAD');
    } finally {
      c.close();
    }
  });

  it('after STARTTLS with a client certificate: the mechanisms, no LOGINDISABLED, LOGIN works', async () => {
    const c = await mss.client({ transport: 'starttls' });
    try {
      assert.equal(await c.starttls(), undefined);
      assert.ok(c.serverAuthenticated);
      const caps = await c.capabilities();
      assert.ok(!caps.includes('LOGINDISABLED') && caps.includes('AUTH=SCRAM-SHA-256'), caps.join(' '));
      assert.equal((await c.login(ALICE.username, ALICE.password)).status, 'OK');
      assert.equal(await c.command('SELECT INBOX'), 'OK');
    } finally {
      c.close();
    }
  });

  for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256'] as const) {
    it(`SASL ${mechanism} over implicit TLS: right password in, wrong password out (one text for both refusals)`, async () => {
      const good = await mss.client();
      const bad = await mss.client();
      try {
        assert.equal((await good.authenticate(mechanism, { authcid: ALICE.username, password: ALICE.password })).status, 'OK');
        const r = await bad.authenticate(mechanism, { authcid: ALICE.username, password: 'wrong' });
        assert.equal(r.status, 'NO');
        assert.equal(r.text, 'Authentication failed');
      } finally {
        good.close();
        bad.close();
      }
    });
  }

  it('SASL EXTERNAL maps the device certificate to its user; an unknown mechanism is refused', async () => {
    const c = await mss.client();
    try {
      assert.equal((await c.authenticateOther('ANONYMOUS')).status, 'NO');
      assert.equal((await c.authenticate('EXTERNAL', { authcid: '' })).status, 'OK');
    } finally {
      c.close();
    }
    assert.equal(mss.server.observations().authentications.at(-1)?.identity, ALICE.username);
  });

  it('the TUI PIN and the SIP credentials do not open the store (CPM-MS-AUTH-03)', async () => {
    for (const [user, password] of [[ALICE.username, ALICE.tuiPin], [ALICE.sip.uri, ALICE.sip.password], [ALICE.username, ALICE.sip.password], [BOB.username, ALICE.password]] as const) {
      const c = await mss.client();
      try {
        assert.equal((await c.login(user, password)).status, 'NO', `${user}`);
      } finally {
        c.close();
      }
    }
  });

  it('client certificate required: none, or one from an untrusted CA, gets BYE and no session', async () => {
    const untrusted = mss.pki.bad('evvm-client', 'untrusted-ca');
    for (const certificate of [undefined, { chainPem: untrusted.chainPem, keyPem: untrusted.keyPem }]) {
      const c = await mss.client({ certificate });
      try {
        assert.notEqual(c.greeting, 'OK', `${certificate ? 'untrusted' : 'no'} certificate`);
        assert.notEqual((await c.login(ALICE.username, ALICE.password)).status, 'OK');
      } finally {
        c.close();
      }
    }
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`PSK-TLS ${version}: the provisioned identity gets in (no certificate needed), an unknown one and a wrong key do not`, async () => {
      const good = await mss.client({ certificate: undefined, psk: { ...PSK, version } });
      try {
        assert.equal(good.greeting, 'OK', good.connectError);
        assert.equal(good.tlsProtocol, version);
        assert.equal((await good.login(ALICE.username, ALICE.password)).status, 'OK');
      } finally {
        good.close();
      }
      for (const psk of [{ identity: 'stranger', key: PSK.key }, { identity: PSK.identity, key: Buffer.alloc(32, 1) }]) {
        const c = await mss.client({ certificate: undefined, psk: { ...psk, version } });
        assert.equal(c.client, undefined, `${psk.identity}: ${c.greeting}`);
        assert.equal(c.unreachable, false, 'a refused handshake is an answer, not an unreachable server');
      }
    });
  }

  it('a closed port is unreachable (no verdict), a refused handshake is not', async () => {
    const down = await mss.client({ port: 1 });
    assert.equal(down.unreachable, true);
    const refused = await mss.client({ certificate: undefined, psk: { identity: 'stranger', key: PSK.key, version: 'TLSv1.2' } });
    assert.equal(refused.unreachable, false);
    assert.match(refused.connectError ?? '', /UNKNOWN_PSK_IDENTITY/);
  });

  it('subscription pre-configures a fresh password per user, handed out of band (CPM-MS-AUTH-04)', async () => {
    const dave = mss.server.subscribe({ username: 'dave@op.example' });
    const erin = mss.server.subscribe({ username: 'erin@op.example' });
    assert.notEqual(dave.password, erin.password);
    assert.ok(dave.password.length >= 16);
    const c = await mss.client();
    try {
      assert.equal((await c.login(dave.username, dave.password)).status, 'OK');
    } finally {
      c.close();
    }
  });

  it('commands pipelined behind STARTTLS are discarded', async () => {
    const c = await mss.client({ transport: 'starttls' });
    try {
      assert.equal(await c.starttls(`inj1 LOGIN "${ALICE.username}" "${ALICE.password}"`), undefined);
      assert.equal(await c.command('NOOP'), 'OK');
      assert.deepEqual(c.anomalies.filter((a) => a.includes('inj1')), []);
      assert.notEqual(await c.command('SELECT INBOX'), 'OK');
    } finally {
      c.close();
    }
  });

  it('hostile input gets protocol answers and the server keeps serving; no secret reaches the transcript', async () => {
    const lines = ['\r\n', 'a\r\n', '* LOGIN x y\r\n', 'a AUTHENTICATE PLAIN !!!!\r\n', 'a LOGIN {5}\r\n', `a ${'X'.repeat(70_000)}\r\n`, 'a AUTHENTICATE\r\n', 'a STARTTLS extra\r\n'];
    const s = net.connect({ host: '127.0.0.1', port: mss.imap });
    let got = '';
    s.on('data', (b: Buffer) => (got += b.toString('latin1')));
    await new Promise((r) => s.once('connect', r));
    for (const l of lines) s.write(l);
    await new Promise((r) => setTimeout(r, 200));
    s.destroy();
    assert.match(got, /^\* OK /);
    assert.match(got, /BAD/);
    const c = await mss.client();
    try {
      const login = await c.login(BOB.username, BOB.password);
      assert.equal(login.status, 'OK', login.text);
    } finally {
      c.close();
    }
    const text = JSON.stringify(mss.transcript.entries());
    for (const secret of [ALICE.password, BOB.password, ALICE.tuiPin, ALICE.sip.password, PSK.key.toString('hex')]) assert.ok(!text.includes(secret), 'a secret reached the transcript');
  });
});

describe('Message Storage Server, policy: TLS required, client certificates optional', () => {
  let mss: Mss;
  before(async () => {
    mss = await startMss({ policy: { clientCertificate: 'optional' } });
  });
  after(() => mss.server.stop());

  it('before TLS only mechanisms that do not expose the password are offered, and they work', async () => {
    const c = await mss.client({ transport: 'starttls' });
    try {
      const caps = await c.capabilities();
      assert.ok(caps.includes('LOGINDISABLED') && caps.includes('AUTH=SCRAM-SHA-256') && caps.includes('AUTH=CRAM-MD5'), caps.join(' '));
      assert.ok(!caps.includes('AUTH=PLAIN') && !caps.includes('AUTH=LOGIN') && !caps.includes('AUTH=EXTERNAL'), caps.join(' '));
      assert.equal((await c.authenticate('SCRAM-SHA-256', { authcid: ALICE.username, password: ALICE.password })).status, 'OK');
    } finally {
      c.close();
    }
  });
});

describe('Message Storage Server faults', () => {
  const cases: Array<{ fault: string; breaks: (mss: Mss) => Promise<boolean> }> = [
    {
      fault: 'message-storage:plaintext-login-before-tls',
      breaks: async (mss) => {
        const c = await mss.client({ transport: 'starttls' });
        const ok = (await c.login(ALICE.username, ALICE.password)).status === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:sasl-downgrade',
      breaks: async (mss) => {
        const c = await mss.client({ transport: 'starttls' });
        const ok = (await c.authenticate('PLAIN', { authcid: ALICE.username, password: ALICE.password })).status === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:advertise-no-logindisabled',
      breaks: async (mss) => {
        const c = await mss.client({ transport: 'starttls' });
        const caps = await c.capabilities();
        const refused = (await c.login(ALICE.username, ALICE.password)).status !== 'OK';
        c.close();
        return !caps.includes('LOGINDISABLED') && refused;
      },
    },
    {
      fault: 'message-storage:accept-tui-pin',
      breaks: async (mss) => {
        const c = await mss.client();
        const ok = (await c.login(ALICE.username, ALICE.tuiPin)).status === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:accept-sip-credentials',
      breaks: async (mss) => {
        const c = await mss.client();
        const ok = (await c.login(ALICE.sip.uri, ALICE.sip.password)).status === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:client-cert-not-required',
      breaks: async (mss) => {
        const c = await mss.client({ certificate: undefined });
        const ok = (await c.login(ALICE.username, ALICE.password)).status === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:accept-unknown-psk',
      breaks: async (mss) => {
        const c = await mss.client({ certificate: undefined, psk: { identity: 'stranger', key: PSK.key, version: 'TLSv1.2' } });
        const ok = c.greeting === 'OK';
        c.close();
        return ok;
      },
    },
    {
      fault: 'message-storage:shared-preconfigured-password',
      breaks: async (mss) => mss.server.subscribe({ username: 'dave@op.example' }).password === mss.server.subscribe({ username: 'erin@op.example' }).password,
    },
  ];
  for (const { fault, breaks } of cases) {
    it(`${fault}: off conformant, on broken`, async () => {
      for (const on of [false, true]) {
        const mss = await startMss({ faults: on ? [fault] : [] });
        try {
          assert.equal(await breaks(mss), on, `${fault} ${on ? 'on' : 'off'}`);
        } finally {
          await mss.server.stop();
        }
      }
    });
  }
});
