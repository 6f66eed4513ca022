/**
 * A small promise wrapper over IndexedDB, for the app's own stores (images, the list of
 * boards). y-indexeddb keeps each board's document in a database of its own; these are
 * separate databases. Every call fails (rejects) rather than throws when storage is blocked.
 */
export interface StoreSpec {
  name: string;
  keyPath: string;
  /** Indexes by field name. */
  indexes?: readonly string[];
}

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });

export class Idb {
  readonly #db: Promise<IDBDatabase>;

  constructor(name: string, version: number, stores: readonly StoreSpec[]) {
    this.#db = new Promise((resolve, reject) => {
      let open: IDBOpenDBRequest;
      try {
        open = indexedDB.open(name, version);
      } catch (error) {
        reject(error);
        return;
      }
      open.onupgradeneeded = () => {
        const db = open.result;
        for (const spec of stores) {
          if (db.objectStoreNames.contains(spec.name)) continue;
          const store = db.createObjectStore(spec.name, { keyPath: spec.keyPath });
          for (const index of spec.indexes ?? []) store.createIndex(index, index);
        }
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error(`IndexedDB ${name} did not open`));
      open.onblocked = () => reject(new Error(`IndexedDB ${name} is blocked`));
    });
    // Callers see the failure; an unobserved one must not surface as unhandled.
    this.#db.catch(() => undefined);
  }

  async get<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
    const db = await this.#db;
    return request(db.transaction(store).objectStore(store).get(key)) as Promise<T | undefined>;
  }

  async getAll<T>(store: string, index?: { name: string; value: IDBValidKey }): Promise<T[]> {
    const db = await this.#db;
    const source = db.transaction(store).objectStore(store);
    const all = index ? source.index(index.name).getAll(index.value) : source.getAll();
    return request(all) as Promise<T[]>;
  }

  async put(store: string, value: unknown): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    await done(tx);
  }

  /** Reads, changes and writes one record in one transaction (no lost concurrent update). */
  async update<T>(
    store: string,
    key: IDBValidKey,
    change: (current: T | undefined) => T,
  ): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(store, 'readwrite');
    const objects = tx.objectStore(store);
    const read = objects.get(key);
    read.onsuccess = () => objects.put(change(read.result as T | undefined));
    await done(tx);
  }

  async delete(store: string, key: IDBValidKey): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).delete(key);
    await done(tx);
  }
}

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
