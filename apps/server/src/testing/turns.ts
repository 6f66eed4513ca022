/**
 * Counts the event loop's turns (one `setImmediate` each) from now until `stop`: for tests that
 * check work was spread over several turns rather than done in one.
 */
export function countTurns(): { readonly turns: number; stop(): number } {
  let turns = 0;
  let counting = true;
  const count = () => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  return {
    get turns() {
      return turns;
    },
    stop() {
      counting = false;
      return turns;
    },
  };
}
