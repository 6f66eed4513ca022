import { useEffect, useState } from 'react';
import type { Preferences } from '../app/Preferences.js';
import type { FollowController } from '../collab/Follow.js';
import { initials, MAX_NAME_LENGTH } from '../collab/identity.js';
import type { Presence } from '../collab/Presence.js';
import { useEmitter } from './hooks.js';

/**
 * Everyone on the board as avatars; names in tooltips and for screen readers. A click on
 * someone else follows their view (again: stops).
 */
export function PeopleList({
  presence,
  follow,
}: {
  presence: Presence;
  follow?: FollowController;
}) {
  const peers = useEmitter(presence.changed, () => presence.peers);
  const following = useFollowing(follow);
  return (
    <ul className="people" data-testid="people-list" aria-label="People on this board">
      {peers.map((peer) => {
        const name = peer.self ? `${peer.user.name} (you)` : peer.user.name;
        const followed = following === peer.clientId;
        const presenting = peer.presenting ? ' — presenting' : '';
        return (
          <li
            key={peer.clientId}
            className={`person${peer.self ? ' person-self' : ''}${followed ? ' person-followed' : ''}`}
            data-testid="person"
            data-name={peer.user.name}
            title={
              peer.self
                ? name
                : `${name}${presenting}: click to ${followed ? 'stop following' : 'follow their view'}`
            }
            style={{ background: peer.user.color }}
          >
            {peer.self || !follow ? (
              <span aria-hidden="true">{initials(peer.user.name)}</span>
            ) : (
              <button
                type="button"
                className="person-button"
                data-testid="follow-person"
                aria-pressed={followed}
                aria-label={`${followed ? 'Stop following' : 'Follow'} ${peer.user.name}`}
                onClick={() => (followed ? follow.stop() : follow.follow(peer.clientId))}
              >
                {initials(peer.user.name)}
              </button>
            )}
            <span className="visually-hidden">{name}</span>
          </li>
        );
      })}
    </ul>
  );
}

function useFollowing(follow?: FollowController): number | null {
  const [following, setFollowing] = useState<number | null>(null);
  useEffect(() => {
    if (!follow) return;
    const read = () => setFollowing(follow.following?.clientId ?? null);
    read();
    return follow.changed.subscribe(read);
  }, [follow]);
  return following;
}

/** The user's display name, applied as it is typed and remembered in this browser. */
export function UserName({ prefs }: { prefs: Preferences }) {
  const user = useEmitter(prefs.changed, () => prefs.user);
  const [value, setValue] = useState(user.name);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setValue(user.name);
  }, [user.name, focused]);
  return (
    <label className="user-name" title="Your name, as others see it">
      <span className="user-dot" style={{ background: user.color }} aria-hidden="true" />
      <input
        data-testid="user-name"
        aria-label="Your name"
        value={value}
        maxLength={MAX_NAME_LENGTH}
        spellCheck={false}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          setValue(prefs.user.name);
        }}
        onChange={(e) => {
          setValue(e.target.value);
          prefs.setUserName(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === 'Escape') e.currentTarget.blur();
        }}
      />
    </label>
  );
}
