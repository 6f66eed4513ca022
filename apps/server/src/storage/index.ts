export { MemoryStorage } from './MemoryStorage.js';
export {
  type CommitInfo,
  recordChecksum,
  SqliteStorage,
  type SqliteStorageOptions,
} from './SqliteStorage.js';
export type { Storage, StoredBoard } from './Storage.js';
