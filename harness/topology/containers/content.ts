/**
 * Security of voicemail contents (EVVM-CONT-01..04) in the container topology. The caller is the
 * harness's equipment (it builds the voicemail and signs it with its own key, in ContentRoleBase); the
 * EVVM Server's content protection and the attacker on its message store run in the evvm-server
 * container, the EVVM Client that opens with the device key in the evvm-client container
 * (harness/simulate/driven/content.ts). The steps' state (policies, device keys, the pending attack)
 * stays here and travels with each request.
 */
import type { OpenedRetrieval } from '../../../simulators/evvm-client/content';
import type { SmimePki } from '../../../simulators/crypto/pki/smime';
import { ContentRoleBase, contentSmime, type ContentDeposit, type ContentRetrievalRequest, type StoredDeposit } from '../embedded/content';
import { registerContainerRole, type ContainersContext } from '../registry';

class ContainersContent extends ContentRoleBase {
  constructor(
    private readonly containers: ContainersContext,
    smime: SmimePki,
  ) {
    super(containers, smime);
  }

  protected async depositAtServer(deposit: ContentDeposit): Promise<StoredDeposit> {
    const c = await this.containers.control('evvm-server');
    return c.call<StoredDeposit>('POST /content/deposit', deposit);
  }

  protected async openAtClient(request: ContentRetrievalRequest): Promise<OpenedRetrieval> {
    const c = await this.containers.control('evvm-client');
    // the EVVM Server's endpoint as the harness sees it, translated for the evvm-client container
    return c.call<OpenedRetrieval>('POST /content/retrieve', { ...request, target: this.containers.onNetwork(request.target) });
  }
}

registerContainerRole('content', async (ctx) => new ContainersContent(ctx, await contentSmime(ctx.pki)));
