import { cleanName, randomColor, randomName } from '../collab/identity.js';
import type { UserInfo } from '../collab/Presence.js';
import { Emitter } from '../util/Emitter.js';

export type ThemePreference = 'light' | 'dark' | 'auto';

const THEME_KEY = 'drawbridge:theme';
const USER_KEY = 'drawbridge:user';
const COLOR = /^#[0-9a-f]{6}$/i;

/** What this browser remembers about its user: theme, name and colour. */
export class Preferences {
  readonly #storage: Storage | null;
  readonly changed = new Emitter();
  #theme: ThemePreference;
  #user: UserInfo;

  constructor(storage: Storage | null) {
    this.#storage = storage;
    const theme = this.#read(THEME_KEY);
    this.#theme = theme === 'light' || theme === 'dark' ? theme : 'auto';
    this.#user = this.#readUser() ?? { name: randomName(), color: randomColor() };
    this.#write(USER_KEY, JSON.stringify(this.#user));
  }

  get theme(): ThemePreference {
    return this.#theme;
  }

  get user(): UserInfo {
    return this.#user;
  }

  setTheme(theme: ThemePreference): void {
    this.#theme = theme;
    this.#write(THEME_KEY, theme);
    this.changed.emit();
  }

  /** An empty name keeps the previous one. */
  setUserName(name: string): void {
    const clean = cleanName(name);
    if (!clean || clean === this.#user.name) return;
    this.#user = { ...this.#user, name: clean };
    this.#write(USER_KEY, JSON.stringify(this.#user));
    this.changed.emit();
  }

  #readUser(): UserInfo | null {
    try {
      const data = JSON.parse(this.#read(USER_KEY) ?? 'null') as Partial<UserInfo> | null;
      if (typeof data?.name !== 'string' || !cleanName(data.name)) return null;
      const color = typeof data.color === 'string' && COLOR.test(data.color) ? data.color : null;
      return { name: cleanName(data.name), color: color ?? randomColor() };
    } catch {
      return null;
    }
  }

  #read(key: string): string | null {
    try {
      return this.#storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  #write(key: string, value: string): void {
    try {
      this.#storage?.setItem(key, value);
    } catch {
      // Private mode or full storage: preferences just do not persist.
    }
  }
}
