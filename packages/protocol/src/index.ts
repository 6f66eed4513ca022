export {
  ACK_TIMEOUT_MS,
  BOARD_ID_PATTERN,
  boardRoom,
  DEFAULT_LIMITS,
  type Limits,
  PROTOCOL_VERSION,
  type ProtocolVersion,
} from './constants.js';
export {
  EMBED_API_VERSION,
  EMBED_FRAME_SOURCE,
  EMBED_HOST_SOURCE,
  type EmbedConnection,
  type EmbedEvent,
  type EmbedMessage,
  type EmbedStatus,
  type EmbedTheme,
  type HostCommand,
  type HostMessage,
  parseEmbedMessage,
  parseHostMessage,
} from './embed.js';
export {
  ErrorCode,
  type ErrorPayload,
  isErrorCode,
  isRetryable,
  ProtocolError,
  REMOVAL_CODES,
} from './errors.js';
export {
  ClientEvent,
  type ClientToServerEvents,
  ServerEvent,
  type ServerToClientEvents,
} from './events.js';
export { type AwarenessClocks, FORGET_GONE_MS, GoneClocks } from './GoneClocks.js';
export { type HttpErrorBody, HttpErrorCode, readHttpError } from './http.js';
export {
  DEFAULT_IMAGE_LIMITS,
  IMAGE_TYPES,
  ImageType,
  imageTypeName,
  isImageType,
  type SniffResult,
  sniffImage,
} from './images.js';
export { Decoder, Encoder, isPacketValid, type Packet, PacketType, parser } from './parser.js';
export type {
  Ack,
  AckResult,
  AwarenessUpdate,
  BoardError,
  BoardJoined,
  ConnectAuth,
  DocUpdate,
  JoinRequest,
  JoinResult,
  LeaveRequest,
} from './payloads.js';
export { Role } from './payloads.js';
export { isImmutable, markImmutable } from './sharedFrames.js';
export { skipFreeParts } from './skipFree.js';
export { findMissingDependency, furthestNeeds } from './updateDependencies.js';
export {
  invalidUpdate,
  isValidBoardId,
  scanDocUpdate,
  toBytes,
  type ValidAwarenessUpdate,
  type Validation,
  type ValidDocUpdate,
  type ValidJoinRequest,
  validateAwarenessUpdate,
  validateDocUpdate,
  validateDocUpdateEnvelope,
  validateJoinRequest,
  validateLeaveRequest,
} from './validate.js';
export { holdsPending, type PendingHolder, withoutPending } from './withoutPending.js';
export {
  type AwarenessEntry,
  BinaryFormatError,
  type ClientRange,
  type DeleteRange,
  type Dependency,
  MAX_CLOCK,
  type ScannedUpdate,
  type StructRun,
  scanAwarenessUpdate,
  scanStateVector,
  scanUpdate,
  scanUpdateRuns,
  type UpdateRuns,
} from './yjsBinary.js';
