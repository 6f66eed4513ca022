import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import { expectSameDocs, fork, mergeDocs, rect } from './testing.js';
import { applyTextDiff, textDiff } from './text.js';

/** A sticky as the first release stored it: `text` a plain string. */
function legacySticky(model: BoardModel, text: string): string {
  const map = new Y.Map<unknown>();
  const fields = {
    type: 'sticky',
    ...{ x: 0, y: 0, w: 200, h: 200, index: 'a0', text, fontSize: 20 },
    ...{ stroke: '#1e1e1e', fill: '#ffec99', strokeWidth: 0 },
  };
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  model.doc.transact(() => model.shapeMaps.set('old', map));
  return 'old';
}

describe('text as Y.Text', () => {
  it('finds the smallest edit between two strings', () => {
    expect(textDiff('hello world', 'hello brave world')).toEqual({
      index: 6,
      remove: 0,
      insert: 'brave ',
    });
    expect(textDiff('abc', 'ac')).toEqual({ index: 1, remove: 1, insert: '' });
    expect(textDiff('aaa', 'aaaa')).toEqual({ index: 3, remove: 0, insert: 'a' });
    // With the caret: a space typed before another space is an insert at the caret.
    expect(textDiff('Plan: ', 'Plan:  ', 6)).toEqual({ index: 5, remove: 0, insert: ' ' });
    expect(textDiff('Plan: ', 'Plan:  ')).toEqual({ index: 6, remove: 0, insert: ' ' });
    expect(textDiff('aaa', 'aa', 1)).toEqual({ index: 1, remove: 1, insert: '' });
    const t = new Y.Doc().getText('t');
    t.insert(0, 'plan the day');
    applyTextDiff(t, 'plan the day', 'plan a day!');
    expect(t.toString()).toBe('plan a day!');
  });

  it('creates text, notes and labels as Y.Text', () => {
    const model = new BoardModel(new Y.Doc());
    const id = model.addShape(rect(0, 0));
    expect(model.shapeMaps.get(id)!.get('label')).toBeInstanceOf(Y.Text);
    expect(model.getShape(id)).toMatchObject({ label: '' });
    model.updateShape(id, { label: 'Start' });
    expect(model.getShape(id)).toMatchObject({ label: 'Start' });
  });

  it('keeps both people’s typing in one note', () => {
    const a = new BoardModel(new Y.Doc());
    const id = a.addShape({
      type: 'sticky',
      ...{ x: 0, y: 0, w: 200, h: 200, text: 'Plan: ', fontSize: 20 },
      ...{ stroke: '#1e1e1e', fill: '#ffec99', strokeWidth: 0 },
    });
    const b = fork(a);
    a.transact(() => a.editableText(id, 'text')!.insert(6, 'alpha'));
    b.transact(() => b.editableText(id, 'text')!.insert(6, 'beta'));
    mergeDocs(a.doc, b.doc);
    const text = (a.getShape(id) as { text: string }).text;
    expect(text).toContain('alpha');
    expect(text).toContain('beta');
    expect(text.startsWith('Plan: ')).toBe(true);
    expect(expectSameDocs(a.doc, b.doc)).toBe(true);
  });

  it('opens old boards with plain-string text intact and migrates on first edit', () => {
    const model = new BoardModel(new Y.Doc());
    const id = legacySticky(model, 'Old note');
    expect(model.getShape(id)).toMatchObject({
      type: 'sticky',
      text: 'Old note',
      textAlign: 'left',
    });
    expect(model.shapeMaps.get(id)!.get('text')).toBe('Old note');
    model.stopCapturing();
    model.transact(() => model.editableText(id, 'text')!.insert(8, '!'));
    expect(model.shapeMaps.get(id)!.get('text')).toBeInstanceOf(Y.Text);
    expect(model.getShape(id)).toMatchObject({ text: 'Old note!' });
    // The migration is part of the edit: one undo restores the old string.
    model.undo();
    expect(model.shapeMaps.get(id)!.get('text')).toBe('Old note');
  });

  it('undoes typing per user, leaving the other person’s', () => {
    const a = new BoardModel(new Y.Doc());
    const id = a.addShape({
      type: 'text',
      ...{ x: 0, y: 0, w: 10, h: 10, text: '', fontSize: 20 },
      ...{ stroke: '#1e1e1e', fill: 'none', strokeWidth: 0 },
    });
    const b = fork(a);
    a.stopCapturing();
    a.transact(() => a.editableText(id, 'text')!.insert(0, 'mine '));
    b.transact(() => b.editableText(id, 'text')!.insert(0, 'yours'));
    mergeDocs(a.doc, b.doc);
    a.undo();
    mergeDocs(a.doc, b.doc);
    expect(b.getShape(id)).toMatchObject({ text: 'yours' });
  });
});
