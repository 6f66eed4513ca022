/** Friendly default names ("Blue Fox") and a colour per user for cursors and avatars. */

const ADJECTIVES = [
  'Blue',
  'Red',
  'Green',
  'Amber',
  'Violet',
  'Teal',
  'Coral',
  'Golden',
  'Silver',
  'Swift',
  'Quiet',
  'Brave',
  'Clever',
  'Sunny',
  'Misty',
  'Lucky',
] as const;

const ANIMALS = [
  'Fox',
  'Owl',
  'Otter',
  'Lynx',
  'Heron',
  'Panda',
  'Koala',
  'Badger',
  'Falcon',
  'Dolphin',
  'Tiger',
  'Hare',
  'Raven',
  'Seal',
  'Wolf',
  'Moth',
] as const;

/** Saturated enough to read on both themes, with white text on top. */
export const USER_COLORS = [
  '#e5484d',
  '#f76b15',
  '#d6a100',
  '#30a46c',
  '#12a594',
  '#0090ff',
  '#3e63dd',
  '#8e4ec6',
  '#d6409f',
  '#6e56cf',
] as const;

export const MAX_NAME_LENGTH = 40;

const pick = <T>(list: readonly T[], random: () => number): T =>
  list[Math.floor(random() * list.length)] as T;

export function randomName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`;
}

export function randomColor(random: () => number = Math.random): string {
  return pick(USER_COLORS, random);
}

export const cleanName = (name: string): string => name.trim().slice(0, MAX_NAME_LENGTH);

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [name.trim()[0]];
  return letters.join('').toUpperCase() || '?';
}
