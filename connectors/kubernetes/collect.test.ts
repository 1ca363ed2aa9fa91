// concatSorted: per-cluster lists, each sorted, merged into the order one full sort gives.
import { describe, expect, it } from 'vitest';
import { concatSorted } from './collect.ts';

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const items = (...keys: string[]) => keys.map((key, index) => ({ key, index }));

describe('concatSorted', () => {
  it('keeps lists whose seams are in order as they are, skipping empty lists', () => {
    const lists = [items('a', 'b'), [], items('b', 'c'), items('d')];
    const merged = concatSorted(lists, byKey);
    expect(merged.map((item) => item.key)).toEqual(['a', 'b', 'b', 'c', 'd']);
    expect(merged).toEqual(lists.flat());
  });

  it('sorts, stably, when a list starts before the previous one ends', () => {
    const lists = [items('a', 'c'), items('b', 'd'), items('c')];
    const merged = concatSorted(lists, byKey);
    expect(merged.map((item) => item.key)).toEqual(['a', 'b', 'c', 'c', 'd']);
    expect(merged).toEqual([...lists.flat()].sort(byKey));
    // The two "c" keep their list order: the first list's before the third's.
    expect(merged.filter((item) => item.key === 'c')).toEqual([lists[0]![1], lists[2]![0]]);
  });

  it('does not change the lists it is given', () => {
    const lists = [items('b'), items('a')];
    concatSorted(lists, byKey);
    expect(lists.map((list) => list.map((item) => item.key))).toEqual([['b'], ['a']]);
  });
});
