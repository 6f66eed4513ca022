import { ErrorCode, type ErrorPayload } from '@drawbridge/protocol';
import { Icon } from './Icon.js';

/** What to tell someone whose link does not open the board. */
export function accessMessage(
  error: ErrorPayload,
  hasToken: boolean,
): { title: string; detail: string } {
  switch (error.code) {
    case ErrorCode.LINK_REVOKED:
      return {
        title: 'This link was revoked',
        detail: 'Whoever shared the board took this link back. Ask them for a new one.',
      };
    case ErrorCode.BOARD_DELETED:
      return {
        title: 'This board was deleted',
        detail: 'The server no longer has it. Whoever shared it may have a copy.',
      };
    case ErrorCode.TOKEN_EXPIRED:
      return {
        title: 'This link has expired — ask for a new one',
        detail: 'Board links are valid for a limited time. Whoever shared it can send a fresh one.',
      };
    case ErrorCode.FORBIDDEN:
      return {
        title: 'This link does not open this board — ask for a new one',
        detail: 'The link you have was made for another board.',
      };
    default:
      return hasToken
        ? {
            title: 'This link is not valid — ask for a new one',
            detail:
              'It may have been cut short or changed. Copy the whole link again, or ask for a new one.',
          }
        : {
            title: 'This board needs a link with access',
            detail: 'Its address alone does not open it: ask whoever shared the board for a link.',
          };
  }
}

/** Shown instead of the board when the server refused the link, or took the board away. */
export function AccessDenied(props: { error: ErrorPayload; hasToken: boolean; compact?: boolean }) {
  const { title, detail } = accessMessage(props.error, props.hasToken);
  return (
    <main
      className={`access-denied${props.compact ? ' access-denied-compact' : ''}`}
      data-testid="access-denied"
      data-code={props.error.code}
      role="alert"
    >
      <span className="access-icon" aria-hidden="true">
        <Icon
          name={props.error.code === ErrorCode.BOARD_DELETED ? 'trash' : 'key'}
          size={props.compact ? 20 : 26}
        />
      </span>
      <h1>{title}</h1>
      <p>{detail}</p>
    </main>
  );
}

/** The board is read-only for this link. */
export function ViewOnlyBadge() {
  return (
    <div
      className="view-only"
      data-testid="view-only"
      title="This link lets you look, pan, zoom and export; it does not allow editing."
    >
      <Icon name="eye" size={15} />
      <span>View only</span>
    </div>
  );
}
