/**
 * One contract per role (issue 13): every role a contract in harness/roles defines has an implementation
 * in the embedded and in the container topology, checked when the topology loads, so a missing one stops
 * a run at start-up instead of failing the first scenario that asks for the role.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineRole, definedRoles, type RoleName } from '../../harness/roles/contract';
import { containerRoles, embeddedRoles } from '../../harness/topology/registry';
import '../../harness/topology/embedded';
import '../../harness/topology/containers/topology';

test('the contracts define roles, and both topologies implement every one of them', () => {
  assert.ok(definedRoles().includes('content'), `roles defined: ${definedRoles().join(', ')}`);
  assert.doesNotThrow(() => embeddedRoles.assertComplete());
  assert.doesNotThrow(() => containerRoles.assertComplete());
});

test('a role without an implementation is named when the topology is checked', () => {
  defineRole('unimplemented-role' as RoleName);
  assert.throws(() => embeddedRoles.assertComplete(), /embedded topology implements no role "unimplemented-role"/);
  assert.throws(() => containerRoles.assertComplete(), /container topology implements no role "unimplemented-role"/);
});
