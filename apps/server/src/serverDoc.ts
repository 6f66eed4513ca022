import * as Y from 'yjs';

/**
 * A Y.Doc for the server's own use (a board's document, or one built to read, render or
 * compact stored updates). Yjs names every new Doc with a random uuid made from 31 calls to
 * `crypto.getRandomValues`: about 0.65 ms each on this host, most of what opening a board cost
 * on the event loop in a reconnect storm (131 ms of CPU over 200 boards). These docs are never
 * subdocuments and never meet another doc's guid, so they are named by what they hold.
 */
export function serverDoc(guid: string): Y.Doc {
  return new Y.Doc({ gc: true, guid });
}
