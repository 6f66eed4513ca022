/**
 * Longest stretch of work between two turns of the event loop. At 8 ms, other boards' round
 * trips waited behind several stretches (and the scavenges they cause) while a large board
 * filled; 4 ms halves that wait for a fill that takes a little longer.
 */
const TURN_BUDGET_MS = 4;

/**
 * Runs `apply` over `items`, yielding to the event loop whenever a stretch took too long; each
 * stretch runs inside `wrap` when given.
 */
export async function inTurns<T>(
  items: readonly T[],
  apply: (item: T, index: number) => void,
  wrap: (stretch: () => void) => void = (stretch) => stretch(),
): Promise<void> {
  let index = 0;
  while (index < items.length) {
    const started = performance.now();
    wrap(() => {
      while (index < items.length) {
        apply(items[index]!, index);
        index++;
        if (performance.now() - started > TURN_BUDGET_MS) break;
      }
    });
    if (index < items.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
