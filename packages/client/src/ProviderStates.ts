import type { ErrorPayload, Role } from '@drawbridge/protocol';

/**
 * - `connecting`: no connection yet, or joining.
 * - `live`: joined; local changes stream to the server.
 * - `offline`: the connection is down; changes are kept and sent on reconnect.
 * - `failed`: the server refused the board for good (see `error`); no more retries.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'failed';

export interface ProviderState {
  status: ConnectionStatus;
  /** Local changes the server has not yet confirmed as stored. */
  unsaved: number;
  /** True once the first join completed: the document holds the server's content. */
  synced: boolean;
  role: Role | null;
  error: ErrorPayload | null;
}

export type StateListener = (state: ProviderState) => void;

/** A provider's state as its users see it: the current one, and a listener call per change. */
export class ProviderStates {
  #current: ProviderState = {
    status: 'connecting',
    unsaved: 0,
    synced: false,
    role: null,
    error: null,
  };
  readonly #listeners = new Set<StateListener>();

  get current(): ProviderState {
    return this.#current;
  }

  set(patch: Partial<ProviderState>): void {
    this.#current = { ...this.#current, ...patch };
    for (const listener of [...this.#listeners]) listener(this.#current);
  }

  /** Calls `listener` on every state change; returns an unsubscribe function. */
  subscribe(listener: StateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `predicate(state)` holds. */
  when(predicate: (state: ProviderState) => boolean): Promise<ProviderState> {
    if (predicate(this.#current)) return Promise.resolve(this.#current);
    return new Promise((resolve) => {
      const off = this.subscribe((state) => {
        if (predicate(state)) {
          off();
          resolve(state);
        }
      });
    });
  }

  clear(): void {
    this.#listeners.clear();
  }
}
