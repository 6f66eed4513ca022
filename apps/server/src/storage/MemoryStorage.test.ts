import { MemoryStorage } from './MemoryStorage.js';
import { describeStorageContract } from './storageContract.js';

describeStorageContract('MemoryStorage', async () => {
  const storage = new MemoryStorage();
  return { storage, cleanup: () => storage.close() };
});
