import { describeBoardDataContract } from './boardDataContract.js';
import { MemoryStorage } from './MemoryStorage.js';
import { describeStorageContract } from './storageContract.js';

describeStorageContract('MemoryStorage', async () => {
  const storage = new MemoryStorage(true);
  const second = storage.sharedHandle();
  return {
    storage,
    openSecond: async () => second,
    cleanup: async () => {
      await storage.close();
      await second.close();
    },
  };
});

describeBoardDataContract('MemoryStorage', async () => {
  const storage = new MemoryStorage(true);
  return { storage, cleanup: () => storage.close() };
});
