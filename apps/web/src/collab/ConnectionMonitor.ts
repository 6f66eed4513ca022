import type { BoardProvider, ConnectionStatus, ProviderState } from '@drawbridge/client';
import { Emitter } from '../util/Emitter.js';
import type { UnsavedCarry } from './unsavedCarry.js';

export interface ConnectionView {
  status: ConnectionStatus;
  /** Changes not yet confirmed stored by the server, including ones from before a reload. */
  unsaved: number;
  error: ProviderState['error'];
}

/** What the browser says about the network; `window` in the app. */
export interface NetworkSignals {
  readonly navigator: { readonly onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/**
 * The connection as the user should see it, from the provider's state plus two things it does
 * not know: the browser's online/offline signal (an open WebSocket can outlive the network
 * for tens of seconds, so we drop it at once and reconnect when the network is back), and a
 * failed first connection, which is "offline" to a user rather than "connecting" forever.
 */
export class ConnectionMonitor {
  readonly #provider: BoardProvider;
  readonly #carry: UnsavedCarry;
  readonly #net: NetworkSignals;
  readonly changed = new Emitter();
  #view: ConnectionView;
  #connectFailed = false;
  #joinedOnce = false;
  readonly #cleanups: (() => void)[] = [];

  constructor(provider: BoardProvider, carry: UnsavedCarry, net: NetworkSignals) {
    this.#provider = provider;
    this.#carry = carry;
    this.#net = net;
    this.#view = this.#compute();
    this.#cleanups.push(provider.subscribe(() => this.#update()));
    const socket = provider.socket;
    const onConnectError = () => {
      this.#connectFailed = true;
      this.#update();
    };
    const onConnect = () => {
      this.#connectFailed = false;
      this.#update();
    };
    socket.on('connect_error', onConnectError);
    socket.on('connect', onConnect);
    this.#cleanups.push(() => {
      socket.off('connect_error', onConnectError);
      socket.off('connect', onConnect);
    });
    net.addEventListener('offline', this.#onOffline);
    net.addEventListener('online', this.#onOnline);
    this.#cleanups.push(() => {
      net.removeEventListener('offline', this.#onOffline);
      net.removeEventListener('online', this.#onOnline);
    });
    if (!net.navigator.onLine) this.#onOffline();
  }

  destroy(): void {
    for (const cleanup of this.#cleanups) cleanup();
    this.changed.clear();
  }

  get view(): ConnectionView {
    return this.#view;
  }

  readonly #onOffline = () => {
    // A manual disconnect: no reconnect attempts until the browser says the network is back.
    if (this.#provider.socket.active) this.#provider.socket.disconnect();
    this.#update();
  };

  readonly #onOnline = () => {
    if (!this.#provider.socket.connected) this.#provider.socket.connect();
    this.#update();
  };

  #compute(): ConnectionView {
    const state = this.#provider.state;
    if (state.synced && state.status === 'live' && !this.#joinedOnce) {
      this.#joinedOnce = true;
      this.#carry.joined();
    }
    let status = state.status;
    if (status === 'connecting' && (this.#connectFailed || !this.#net.navigator.onLine)) {
      status = 'offline';
    }
    // A viewer has nothing to save. What the provider may still count is what it offered the
    // server on joining (at least the document's delete set, which every join sends), refused
    // since a viewer may not write. The remembered count is left to the next editor session.
    if (state.role === 'viewer') return { status, unsaved: 0, error: state.error };
    return { status, unsaved: this.#carry.displayed(state.unsaved), error: state.error };
  }

  #update(): void {
    const next = this.#compute();
    const view = this.#view;
    if (next.status === view.status && next.unsaved === view.unsaved && next.error === view.error) {
      return;
    }
    this.#view = next;
    this.changed.emit();
  }
}
