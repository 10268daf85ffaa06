/**
 * The content role (harness/roles/content.ts) in containers: the harness keeps the steps' state and plays
 * the caller (ContentRoleBase); the EVVM Server's content protection (and the attacker on its message
 * store) runs in the evvm-server container around the scenario's EVVM Server, the EVVM Client that opens
 * with a device key in the evvm-client container. Both sides of each route are here.
 */
import type { OpenedRetrieval } from '../../../../simulators/evvm-client/content';
import type { SmimePki } from '../../../../simulators/crypto/pki/smime';
import { EvvmClient } from '../../../../simulators/evvm-client/evvm-client';
import { CONTENT_ROUTES, ContentRoleBase, contentSmime, protectAndStore, retrieveAndOpen, type ContentDeposit, type ContentRetrievalRequest, type StoredDeposit } from '../../../roles/content';
import { drivenEvvmServer } from '../../../simulate/driven/core';
import { serve, type Scope } from '../../../simulate/driven/host';
import { registerContainerRole, type ContainersContext } from '../../registry';

class ContainersContent extends ContentRoleBase {
  constructor(
    private readonly containers: ContainersContext,
    smime: SmimePki,
  ) {
    super(containers, smime);
  }

  protected depositAtServer(deposit: ContentDeposit): Promise<StoredDeposit> {
    return this.containers.call(CONTENT_ROUTES.deposit, deposit);
  }

  protected openAtClient(request: ContentRetrievalRequest): Promise<OpenedRetrieval> {
    // the EVVM Server's endpoint as the harness sees it, translated for the evvm-client container
    return this.containers.call(CONTENT_ROUTES.retrieve, { ...request, target: this.containers.onNetwork(request.target) });
  }
}

registerContainerRole('content', async (ctx) => new ContainersContent(ctx, await contentSmime(ctx.pki)));

// --- the containers' side ---

/** The S/MIME PKI the harness handed over at setup (its keys registered as secrets once per scenario). */
const smimeOf = (scope: Scope) => scope.once('content-smime', () => contentSmime(scope.run.pki));

serve(CONTENT_ROUTES.deposit, async (deposit, s) => {
  const { server } = await drivenEvvmServer(s);
  return protectAndStore({ server, smime: await smimeOf(s), accounts: s.run.accounts, faults: s.faults, transcript: s.transcript, deposit });
});

serve(CONTENT_ROUTES.retrieve, async (request, s) => {
  const cert = s.run.pki.leaf('evvm-client');
  const retriever = new EvvmClient({ trustAnchorPem: s.run.pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults: s.faultsOf('evvm-client'), transcript: s.transcript });
  return retrieveAndOpen({ retriever, smime: await smimeOf(s), faults: s.faults, transcript: s.transcript, request });
});
