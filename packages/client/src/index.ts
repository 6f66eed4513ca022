export {
  BoardProvider,
  type BoardProviderOptions,
  type ClientSocket,
  type ConnectionStatus,
  type ProviderState,
} from './BoardProvider.js';
