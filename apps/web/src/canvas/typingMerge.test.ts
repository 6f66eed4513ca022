import { applyTextDiff } from '@drawbridge/board';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { transformIndex } from './textCaret.js';

/**
 * A textarea over a Y.Text, as the in-place editor drives it: local typing is applied as the
 * diff of the whole value (with the caret), remote changes move the caret.
 */
function editor(doc: Y.Doc, name: string) {
  const text = doc.getText('t');
  const s = { value: text.toString(), caret: text.length };
  text.observe((e, tr) => {
    if (tr.origin === name) return;
    s.caret = transformIndex(s.caret, e.delta);
    s.value = text.toString();
  });
  const type = (ch: string) => {
    const next = s.value.slice(0, s.caret) + ch + s.value.slice(s.caret);
    doc.transact(() => applyTextDiff(text, s.value, next, s.caret + ch.length), name);
    s.value = next;
    s.caret += ch.length;
  };
  return { s, type };
}

/**
 * Two people typing at the same spot of one text, with updates delivered in random order and
 * at random times (a fixed seed per run): each person's words stay in one piece, and both
 * texts converge.
 */
it('keeps each person’s typing in one piece, whatever the delivery order', () => {
  for (let seed = 0; seed < 300; seed++) {
    let r = seed * 9301 + 49297;
    const rand = () => {
      r = (r * 9301 + 49297) % 233280;
      return r / 233280;
    };
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'Plan:');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const qa: Uint8Array[] = [];
    const qb: Uint8Array[] = [];
    a.on('update', (u: Uint8Array, o: unknown) => o !== 'net' && qb.push(u));
    b.on('update', (u: Uint8Array, o: unknown) => o !== 'net' && qa.push(u));
    const ea = editor(a, 'A');
    const eb = editor(b, 'B');
    const ta = ' alpha one'.split('');
    const tb = ' beta two'.split('');
    while (ta.length || tb.length || qa.length || qb.length) {
      const x = rand();
      if (x < 0.3 && ta.length) ea.type(ta.shift()!);
      else if (x < 0.6 && tb.length) eb.type(tb.shift()!);
      else if (x < 0.8 && qa.length) Y.applyUpdate(a, qa.shift()!, 'net');
      else if (qb.length) Y.applyUpdate(b, qb.shift()!, 'net');
      else if (qa.length) Y.applyUpdate(a, qa.shift()!, 'net');
      else if (ta.length) ea.type(ta.shift()!);
      else if (tb.length) eb.type(tb.shift()!);
    }
    const final = a.getText('t').toString();
    expect(b.getText('t').toString()).toBe(final);
    expect(final, `seed ${seed}`).toContain(' alpha one');
    expect(final, `seed ${seed}`).toContain(' beta two');
  }
});
