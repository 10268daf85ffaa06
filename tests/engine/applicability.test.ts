/**
 * What an implementation under test answers (harness/engine/applicability.ts): a requirement on its side
 * that the wire cannot show is inconclusive with the reason before it runs, never not applicable, since
 * the requirement does apply to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRequirementId } from '../../harness/catalogue';
import { IUT_REQUIREMENTS, IUT_UNJUDGED, notApplicableBeforeRun, unjudgedBeforeRun, type IutRole } from '../../harness/engine/applicability';

test('every IUT role names catalogue requirements only, and none both answered and unjudged', () => {
  for (const [role, answered] of Object.entries(IUT_REQUIREMENTS) as Array<[IutRole, readonly string[]]>) {
    const unjudged = Object.keys(IUT_UNJUDGED[role] ?? {});
    for (const id of [...answered, ...unjudged]) assert.ok(isRequirementId(id), `${role}: ${id} is not in the catalogue`);
    assert.deepEqual(answered.filter((id) => unjudged.includes(id)), [], `${role}: answered and unjudged`);
  }
});

test("an EVVM Client under test: the practice requirements on the client are inconclusive with the reason, never not applicable", () => {
  for (const id of ['PRAC-01', 'PRAC-02', 'PRAC-03']) {
    assert.equal(notApplicableBeforeRun([`@${id}`], 'evvm-client'), undefined, id);
    assert.match(unjudgedBeforeRun([`@${id}`], 'evvm-client') ?? '', /EVVM Client's own state/, id);
  }
  // the SMSC's bind limits are no requirement on the client
  assert.match(notApplicableBeforeRun(['@PRAC-04'], 'evvm-client') ?? '', /not answered by the implementation under test/);
});
