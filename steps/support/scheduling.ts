import { setParallelCanAssign } from '@cucumber/cucumber';

/**
 * A scenario tagged @runs-alone (PRAC-02's generated corpus: CPU-bound, with threads of its own) starts only
 * when no other scenario is in progress, and none starts beside it. Since the other scenarios can always be
 * placed, it is passed over until the queue is drained and then has the machine to itself: the run's CPU is the
 * same, and the corpus is not slowed by a neighbour. A sequential run is unaffected.
 */
const ALONE = '@runs-alone';
const alone = (pickle: { tags: ReadonlyArray<{ name: string }> }): boolean => pickle.tags.some((t) => t.name === ALONE);

setParallelCanAssign((pickle, inProgress) => (alone(pickle) ? inProgress.length === 0 : !inProgress.some(alone)));
