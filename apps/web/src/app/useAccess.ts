import type { ProviderState } from '@drawbridge/client';
import { ErrorCode, type ErrorPayload, type Role } from '@drawbridge/protocol';
import { useCallback, useLayoutEffect, useSyncExternalStore } from 'react';
import { tokenRole } from '../collab/token.js';
import type { OpenBoard } from './useBoard.js';

/**
 * Failures that are about the link, which only a new link cures, and the board's deletion:
 * the page then shows why instead of the board.
 */
const ACCESS_ERRORS: ReadonlySet<string> = new Set([
  ErrorCode.UNAUTHORIZED,
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.FORBIDDEN,
  ErrorCode.LINK_REVOKED,
  ErrorCode.BOARD_DELETED,
]);

export interface Access {
  /** The provider's state (null until the board is open). */
  state: ProviderState | null;
  /** The role the server granted; null until the first join. */
  role: Role | null;
  /** View only: a viewer's link (or its claim, until the server answers), or forced. */
  readonly: boolean;
  /** The board failed for good (status `failed`): why. */
  failure: ErrorPayload | null;
  /** The failure is the link's (missing, invalid, expired, revoked, for another board), or the board was deleted. */
  denied: ErrorPayload | null;
}

const noop = () => {};

/**
 * Who may do what on an open board, from the provider's state, and applies it: a read-only
 * board's editor (and model) ignore every edit. `forceReadonly` is an embed's `readonly`.
 */
export function useAccess(
  board: OpenBoard | null,
  options: { token: string | null; forceReadonly?: boolean },
): Access {
  const provider = board?.session.provider ?? null;
  const subscribe = useCallback(
    (notify: () => void) => (provider ? provider.subscribe(notify) : noop),
    [provider],
  );
  const state = useSyncExternalStore(subscribe, () => provider?.state ?? null);
  const role = state?.role ?? null;
  // The server's answer decides; before it (or offline), the role the link claims.
  const effectiveRole = role ?? tokenRole(options.token);
  const readonly = Boolean(options.forceReadonly) || effectiveRole === 'viewer';

  // Before paint, so not one frame shows editing on a read-only board.
  useLayoutEffect(() => {
    board?.editor.setReadonly(readonly);
  }, [board, readonly]);

  const failure =
    state?.status === 'failed'
      ? (state.error ?? {
          code: ErrorCode.INTERNAL_ERROR,
          message: 'the board could not be opened',
        })
      : null;
  const denied = failure && ACCESS_ERRORS.has(failure.code) ? failure : null;
  return { state, role, readonly, failure, denied };
}
