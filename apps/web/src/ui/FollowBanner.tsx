import { useEffect, useState } from 'react';
import type { FollowController } from '../collab/Follow.js';
import type { Presence } from '../collab/Presence.js';
import { useEmitter } from './hooks.js';
import { Icon } from './Icon.js';

/** "Present" asks everyone on the board to follow this user's view until stopped. */
export function PresentButton({ presence }: { presence: Presence }) {
  const presenting = useEmitter(presence.changed, () => presence.self?.presenting ?? null);
  return (
    <button
      type="button"
      className="icon-button"
      data-testid="present"
      aria-pressed={presenting !== null}
      aria-label={presenting ? 'Stop presenting' : 'Present: everyone follows your view'}
      title={presenting ? 'Stop presenting' : 'Present: everyone follows your view'}
      onClick={() =>
        presence.setPresenting(
          presenting ? null : `${presence.clientId}-${Date.now().toString(36)}`,
        )
      }
    >
      <Icon name="present" size={18} />
    </button>
  );
}

/** Who is followed (or that this user presents), and how to stop. */
export function FollowBanner({
  follow,
  presence,
}: {
  follow: FollowController;
  presence: Presence;
}) {
  const [, setTick] = useState(0);
  useEffect(() => follow.changed.subscribe(() => setTick((n) => n + 1)), [follow]);
  const presenting = useEmitter(presence.changed, () => presence.self?.presenting ?? null);
  const followed = follow.following;
  if (presenting) {
    return (
      <div className="follow-banner" role="status" data-testid="follow-banner">
        You are presenting: everyone follows your view.
        <button type="button" className="link-button" onClick={() => presence.setPresenting(null)}>
          Stop presenting
        </button>
      </div>
    );
  }
  if (!followed) return null;
  return (
    <div
      className="follow-banner"
      role="status"
      data-testid="follow-banner"
      style={{ borderColor: followed.user.color }}
    >
      Following {followed.user.name}
      {followed.presenting ? ' (presenting)' : ''}. Pan or zoom to stop.
      <button
        type="button"
        className="link-button"
        data-testid="stop-following"
        onClick={() => follow.stop()}
      >
        Stop
      </button>
    </div>
  );
}
