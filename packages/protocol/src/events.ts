import type {
  Ack,
  AwarenessUpdate,
  BoardError,
  BoardJoined,
  DocUpdate,
  JoinRequest,
  JoinResult,
  LeaveRequest,
} from './payloads.js';

/** Event names: the contract. `domain:action`. */
export const ClientEvent = {
  JOIN: 'board:join',
  LEAVE: 'board:leave',
  DOC_UPDATE: 'doc:update',
  AWARENESS_UPDATE: 'awareness:update',
} as const;

export const ServerEvent = {
  DOC_UPDATE: 'doc:update',
  AWARENESS_UPDATE: 'awareness:update',
  ERROR: 'board:error',
  JOINED: 'board:joined',
} as const;

export interface ClientToServerEvents {
  'board:join': (request: JoinRequest, ack: Ack<JoinResult>) => void;
  'board:leave': (request: LeaveRequest, ack?: Ack) => void;
  'doc:update': (message: DocUpdate, ack: Ack) => void;
  'awareness:update': (message: AwarenessUpdate, ack?: Ack) => void;
}

export interface ServerToClientEvents {
  'doc:update': (message: DocUpdate) => void;
  'awareness:update': (message: AwarenessUpdate) => void;
  'board:error': (error: BoardError) => void;
  /** The answer to a join made on connect (`auth.join`, PROTOCOL.md §2.3). */
  'board:joined': (result: BoardJoined) => void;
}
