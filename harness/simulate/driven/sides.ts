/**
 * Every side a role contract declares (harness/roles, `side()`), served in the container it names: the
 * same code the embedded topology runs in process, given this container's scenario instead.
 */
import path from 'node:path';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { definedSides, type SideRuntime } from '../../roles/contract';
import { loadFolder } from '../../topology/registry';
import { drivenEvvmServer } from './core';
import { serve, type Scope } from './host';

function runtime(scope: Scope): SideRuntime {
  const { pki, accounts } = scope.run;
  return {
    pki,
    accounts,
    faults: scope.faults,
    transcript: scope.transcript,
    evvmServer: async () => (await drivenEvvmServer(scope)).server,
    evvmClient: async () => {
      const cert = pki.leaf('evvm-client');
      return new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: scope.faultsOf('evvm-client'), transcript: scope.transcript });
    },
  };
}

loadFolder(path.join(__dirname, '..', '..', 'roles'));
for (const s of definedSides()) serve(s, (request, scope) => s.run(request, runtime(scope)));
