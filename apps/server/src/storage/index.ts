export type { BoardDataStore } from './BoardDataStore.js';
export type {
  BoardCatalog,
  BoardSummary,
  LinkRecord,
  LinkState,
  LinkStore,
} from './Catalog.js';
export { type CommitInfo, GroupCommitQueue, type QueuedAppend } from './GroupCommitQueue.js';
export { MemoryStorage } from './MemoryStorage.js';
export { recordChecksum } from './records.js';
export { type CorruptRecord, SqliteStorage, type SqliteStorageOptions } from './SqliteStorage.js';
export type { CompactionResult, CompactOptions, Storage, StoredBoard } from './Storage.js';
