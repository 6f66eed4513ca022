import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeCaret, encodeCaret } from './carets.js';

function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const textA = a.getMap('shapes').set('s', new Y.Map()).set('text', new Y.Text('hello world'));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const textB = (b.getMap('shapes').get('s') as Y.Map<Y.Text>).get('text')!;
  return { a, b, textA, textB };
}

describe('carets as relative positions', () => {
  it('stays on its character while the other person types before it', () => {
    const { a, b, textA, textB } = pair();
    const caret = encodeCaret(textB, 6); // before "world"
    textA.insert(0, 'Oh, ');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    expect(decodeCaret(textA, JSON.parse(JSON.stringify(caret)))).toBe(10);
    expect(decodeCaret(textB, caret)).toBe(10);
  });

  it('ignores malformed positions and positions in another text', () => {
    const { textA } = pair();
    const other = new Y.Doc().getText('x');
    other.insert(0, 'abc');
    expect(decodeCaret(textA, encodeCaret(other, 1))).toBeNull();
    expect(decodeCaret(textA, null)).toBeNull();
    expect(decodeCaret(textA, { item: { client: -1, clock: 0 } })).toBeNull();
    expect(decodeCaret(textA, { tname: 'shapes' })).toBeNull();
    expect(decodeCaret(textA, { item: { client: 1, clock: 'x' } })).toBeNull();
    expect(decodeCaret(textA, { item: { client: 999, clock: 999 } })).toBeNull();
  });
});
