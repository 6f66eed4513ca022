export type { EmbedStatus, EmbedTheme } from '@drawbridge/protocol';
export {
  type BoardEmbed,
  BoardEmbedError,
  type BoardEmbedEvents,
  type BoardEmbedOptions,
  createBoardEmbed,
  embedUrl,
} from './createBoardEmbed.js';
