import { useEffect, useState } from 'react';
import type { Preferences } from '../app/Preferences.js';
import { initials, MAX_NAME_LENGTH } from '../collab/identity.js';
import type { Presence } from '../collab/Presence.js';
import { useEmitter } from './hooks.js';

/** Everyone on the board as avatars; names in tooltips and for screen readers. */
export function PeopleList({ presence }: { presence: Presence }) {
  const peers = useEmitter(presence.changed, () => presence.peers);
  return (
    <ul className="people" data-testid="people-list" aria-label="People on this board">
      {peers.map((peer) => {
        const name = peer.self ? `${peer.user.name} (you)` : peer.user.name;
        return (
          <li
            key={peer.clientId}
            className={`person${peer.self ? ' person-self' : ''}`}
            data-testid="person"
            data-name={peer.user.name}
            title={name}
            style={{ background: peer.user.color }}
          >
            <span aria-hidden="true">{initials(peer.user.name)}</span>
            <span className="visually-hidden">{name}</span>
          </li>
        );
      })}
    </ul>
  );
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
