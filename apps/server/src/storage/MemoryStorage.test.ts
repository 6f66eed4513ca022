import { describeBoardDataContract } from './boardDataContract.js';
import { describeCatalogContract } from './catalogContract.js';
import { MemoryStorage } from './MemoryStorage.js';
import { describeStorageContract } from './storageContract.js';

const fixture = async () => {
  const storage = new MemoryStorage(true);
  const second = storage.sharedHandle();
  return {
    storage,
    openSecond: async () => second,
    corruptLastRecord: async (boardId: string) => {
      const { lastSeq } = await storage.load(boardId);
      storage.damage(boardId, lastSeq);
    },
    cleanup: async () => {
      await storage.close();
      await second.close();
    },
  };
};

describeStorageContract('MemoryStorage', fixture);
describeCatalogContract('MemoryStorage', fixture);
describeBoardDataContract('MemoryStorage', fixture);
