// Array helpers that hold at any size. Spreading a list into a call (`push(...items)`,
// `Math.max(...values)`, `concat(...lists)`) passes every item as an argument on the stack and
// throws "Maximum call stack size exceeded" past ~100,000 items; the lint rule in
// eslint.config.js forbids those forms, and these take their place.

/** Appends every item to `target` (in place) and returns it. */
export const appendAll = <T>(target: T[], items: Iterable<T>): T[] => {
  for (const item of items) target.push(item);
  return target;
};

/** The lists as one new list, in order. */
export const concatAll = <T>(lists: Iterable<readonly T[]>): T[] => {
  let out: T[] = [];
  // concat copies whole lists at once; a bounded number of lists per call keeps the stack small.
  let batch: (readonly T[])[] = [];
  for (const list of lists) {
    batch.push(list);
    if (batch.length === 1024) {
      // eslint-disable-next-line no-restricted-syntax -- at most 1024 lists per call
      out = out.concat(...batch);
      batch = [];
    }
  }
  // eslint-disable-next-line no-restricted-syntax -- at most 1024 lists per call
  return batch.length ? out.concat(...batch) : out;
};

const extreme = (values: Iterable<number>, empty: number, better: (a: number, b: number) => boolean): number => {
  let found = empty;
  let seen = false;
  for (const value of values) {
    if (!seen || better(value, found)) found = value;
    seen = true;
  }
  return found;
};

/** The largest value, or `empty` when there is none (like Math.max, -Infinity by default). */
export const maxOf = (values: Iterable<number>, empty = -Infinity): number => extreme(values, empty, (a, b) => a > b);

/** The smallest value, or `empty` when there is none (like Math.min, Infinity by default). */
export const minOf = (values: Iterable<number>, empty = Infinity): number => extreme(values, empty, (a, b) => a < b);
