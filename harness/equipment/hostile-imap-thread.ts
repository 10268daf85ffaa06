/** A thread of the hostile IMAP corpus (harness/equipment/hostile-imap-corpus.ts): runs its share, reports the outcomes. */
import { parentPort, workerData } from 'node:worker_threads';
import { runShare, type CorpusShare } from './hostile-imap-corpus';

void runShare(workerData as CorpusShare).then((outcomes) => parentPort?.postMessage(outcomes));
