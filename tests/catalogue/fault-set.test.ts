/** The one fault API every role reads its faults through: a typo never leaves a simulator silently conformant. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultSet } from '../../simulators/fault-set';
import { SMSC_FAULTS } from '../../simulators/smsc/faults';

test("a role's own set takes its names only and refuses any other", () => {
  const faults = SMSC_FAULTS.own(['smsc:bind-without-password']);
  assert.equal(faults.has('smsc:bind-without-password'), true);
  assert.equal(faults.has('smsc:trust-source-addr'), false);
  assert.throws(() => SMSC_FAULTS.own(['smsc:bind-without-pasword']), /unknown SMSC fault "smsc:bind-without-pasword" \(known: smsc:/);
  assert.throws(() => SMSC_FAULTS.own(['evvm-server:skip-password-check']), /unknown SMSC fault "evvm-server:skip-password-check"/);
  faults.set('smsc:trust-source-addr', true);
  faults.set('smsc:bind-without-password', false);
  assert.deepEqual([faults.has('smsc:trust-source-addr'), faults.has('smsc:bind-without-password')], [true, false]);
  assert.throws(() => faults.set('smsc:nothing', true), /unknown SMSC fault/);
  assert.equal(faults.isFault('smsc:submit-before-bind'), true);
  assert.equal(faults.isFault('evvm-client:ignore-port'), false);
});

test("among a run's faults a role takes its own, leaves the other roles' and refuses a name no role has", () => {
  const faults = FaultSet.among('smsc', 'SMSC', ['evvm-server:skip-password-check', 'smsc:submit-before-bind']);
  assert.equal(faults.has('smsc:submit-before-bind'), true);
  assert.equal(faults.isFault('evvm-server:skip-password-check'), false);
  assert.throws(() => SMSC_FAULTS.among(['smsc:submit-before-bind', 'smsc:no-such-fault']), /unknown fault "smsc:no-such-fault"/);
  assert.throws(() => SMSC_FAULTS.among(['nobody:no-such-fault']), /unknown fault "nobody:no-such-fault"/);
});
