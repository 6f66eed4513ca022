/**
 * Capability tokens: HS256 JWTs naming a board (or `*` for all), a role, an expiry and an id.
 * Whoever holds one may join that board in that role; nothing else is needed, which is what
 * makes a link shareable and an iframe embeddable.
 */
import { ErrorCode, isValidBoardId, ProtocolError, type Role } from '@drawbridge/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import { nanoid } from 'nanoid';

const ISSUER = 'drawbridge';
const AUDIENCE = 'drawbridge:board';
export const ALL_BOARDS = '*';

export interface MintRequest {
  /** A board id, or `*` for every board. */
  board: string;
  role: Role;
  /** Lifetime in seconds. */
  ttlSeconds: number;
}

export interface MintedToken {
  token: string;
  id: string;
  /** The mint's time, to the millisecond (the token itself carries whole seconds). */
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenClaims {
  board: string;
  role: Role;
  id: string;
  /** Whole seconds, as JWTs carry it. */
  issuedAt: Date;
  expiresAt: Date;
}

/** `7d`, `12h`, `30m`, `45s` or a number of seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhdw]?)$/.exec(text.trim());
  if (!match) throw new Error(`invalid ttl ${JSON.stringify(text)}: use e.g. 7d, 12h, 30m, 3600`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as '' | 's'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0 || seconds > 10 * 365 * 86_400)
    throw new Error('ttl must be between 1 s and 10 years');
  return seconds;
}

const isRole = (value: unknown): value is Role => value === 'editor' || value === 'viewer';

export class TokenService {
  readonly #key: Uint8Array;
  readonly #now: () => number;

  constructor(secret: string, now: () => number = Date.now) {
    if (secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters');
    this.#key = new TextEncoder().encode(secret);
    this.#now = now;
  }

  async mint(request: MintRequest): Promise<MintedToken> {
    if (request.board !== ALL_BOARDS && !isValidBoardId(request.board)) {
      throw new Error('board must be a board id or *');
    }
    if (!isRole(request.role)) throw new Error('role must be editor or viewer');
    const id = nanoid(16);
    const now = this.#now();
    const issuedAt = Math.floor(now / 1000);
    const expires = issuedAt + request.ttlSeconds;
    const token = await new SignJWT({ board: request.board, role: request.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expires)
      .sign(this.#key);
    return { token, id, createdAt: new Date(now), expiresAt: new Date(expires * 1000) };
  }

  /** The token's claims if it is genuine, unexpired and valid for `boardId`; else ProtocolError. */
  async verify(token: string, boardId: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(this.#now()),
        requiredClaims: ['exp', 'jti', 'iat'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the link has expired', { cause: error });
      }
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'the token is invalid', { cause: error });
    }
    const { board, role, jti, exp, iat } = payload;
    if (
      typeof board !== 'string' ||
      !isRole(role) ||
      typeof jti !== 'string' ||
      typeof exp !== 'number' ||
      typeof iat !== 'number'
    ) {
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'the token is malformed');
    }
    if (board !== ALL_BOARDS && board !== boardId) {
      throw new ProtocolError(ErrorCode.FORBIDDEN, 'the token is for another board');
    }
    return {
      board,
      role,
      id: jti,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
    };
  }
}
