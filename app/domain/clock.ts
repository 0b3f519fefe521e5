/** Time comes in from outside the domain, so tests can hold it still. Epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(at: number | string | Date): Clock & { set(t: number | string | Date): void; advance(ms: number): void } {
  let current = new Date(at).getTime();
  return {
    now: () => current,
    set: (t) => {
      current = new Date(t).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
