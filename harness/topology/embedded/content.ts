/** The content role (harness/roles/content.ts) in process: the embedded EVVM Server's content protection, the embedded EVVM Client. */
import type { OpenedRetrieval } from '../../../simulators/evvm-client/content';
import type { SmimePki } from '../../../simulators/crypto/pki/smime';
import { ContentRoleBase, contentSmime, protectAndStore, retrieveAndOpen, type ContentDeposit, type ContentRetrievalRequest, type StoredDeposit } from '../../roles/content';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

class EmbeddedContent extends ContentRoleBase {
  constructor(
    private readonly embedded: EmbeddedContext,
    smime: SmimePki,
  ) {
    super(embedded, smime);
  }

  protected async depositAtServer(deposit: ContentDeposit): Promise<StoredDeposit> {
    const e = this.embedded;
    return protectAndStore({ server: await e.evvmServer(), smime: this.smime, accounts: e.accounts, faults: e.faults, transcript: e.transcript, deposit });
  }

  protected async openAtClient(request: ContentRetrievalRequest): Promise<OpenedRetrieval> {
    const e = this.embedded;
    return retrieveAndOpen({ retriever: await e.topology.evvmClient(), smime: this.smime, faults: e.faults, transcript: e.transcript, request });
  }
}

registerEmbeddedRole('content', async (ctx) => new EmbeddedContent(ctx, await contentSmime(ctx.pki)));
