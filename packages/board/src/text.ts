/**
 * Text fields as Y.Text: concurrent typing in one note merges character by character. Boards
 * written before text was a Y.Text hold plain strings; they read the same (`toJSON` gives the
 * string either way) and are turned into a Y.Text on their first edit.
 */
import * as Y from 'yjs';

/** The fields that hold text. */
export const TEXT_FIELDS = ['text', 'label'] as const;
export type TextFieldName = (typeof TEXT_FIELDS)[number];

export const isTextField = (key: string): key is TextFieldName => key === 'text' || key === 'label';

/**
 * The smallest single edit that turns `before` into `after`. `cursor`, the caret in `after`
 * right after the edit, places it where it was typed: a space typed next to another space is
 * the same string either way, but not the same edit once someone else types there too.
 */
export function textDiff(
  before: string,
  after: string,
  cursor?: number,
): { index: number; remove: number; insert: string } {
  const max = Math.min(before.length, after.length);
  if (cursor === undefined) {
    let start = 0;
    while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    let end = 0;
    while (
      end < max - start &&
      before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
    ) {
      end++;
    }
    return {
      index: start,
      remove: before.length - start - end,
      insert: after.slice(start, after.length - end),
    };
  }
  // The text after the caret is unchanged: match the suffix first, up to the caret, so the
  // edit lands where it was typed.
  const suffixLimit = Math.min(max, after.length - cursor);
  let end = 0;
  while (
    end < suffixLimit &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  let start = 0;
  const prefixLimit = Math.min(before.length, after.length) - end;
  while (start < prefixLimit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  return {
    index: start,
    remove: before.length - start - end,
    insert: after.slice(start, after.length - end),
  };
}

/** Applies the edit from `before` to `after` to a Y.Text holding `before`. */
export function applyTextDiff(text: Y.Text, before: string, after: string, cursor?: number): void {
  const { index, remove, insert } = textDiff(before, after, cursor);
  if (remove > 0) text.delete(index, remove);
  if (insert) text.insert(index, insert);
}

/**
 * The field's Y.Text, made from the stored string (or empty) when it is not one yet. Call in
 * a transaction: the migration is part of the first edit, and undoes with it.
 */
export function editableText(map: Y.Map<unknown>, key: TextFieldName): Y.Text {
  const current = map.get(key);
  if (current instanceof Y.Text) return current;
  const text = new Y.Text(typeof current === 'string' ? current : '');
  map.set(key, text);
  return text;
}

/** Writes a whole value into a text field, as the smallest edit when it is a Y.Text already. */
export function writeText(map: Y.Map<unknown>, key: TextFieldName, value: string): void {
  const current = map.get(key);
  if (current instanceof Y.Text) {
    const before = current.toString();
    if (before !== value) applyTextDiff(current, before, value);
    return;
  }
  map.set(key, new Y.Text(value));
}
