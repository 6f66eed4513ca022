import type { ToastStore } from '../app/ToastStore.js';
import { Icon } from './Icon.js';

export function ThemeToggle(props: { theme: 'light' | 'dark'; onToggle: () => void }) {
  const next = props.theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      data-testid="theme-toggle"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={props.onToggle}
    >
      <Icon name={props.theme === 'dark' ? 'sun' : 'moon'} size={18} />
    </button>
  );
}

/** Copies the board link: sharing it is how others join. */
export function ShareButton({
  toasts,
  readonly = false,
}: {
  toasts: ToastStore;
  readonly?: boolean;
}) {
  const share = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      toasts.show(
        readonly
          ? 'Link copied. Anyone with the link can view this board.'
          : 'Link copied. Anyone with the link can join and edit.',
      );
    } catch {
      toasts.show(`Share this link: ${window.location.href}`);
    }
  };
  return (
    <button
      type="button"
      className="share-button"
      title="Copy the link to this board"
      onClick={() => void share()}
    >
      <Icon name="link" size={16} />
      <span>Share</span>
    </button>
  );
}

/** Opens the keyboard shortcuts (also `?`); Find is Ctrl+F. */
export function HelpButton({ onClick }: { onClick: () => void }) {
  return (
    <div className="button-group panel">
      <button
        type="button"
        className="icon-button"
        data-testid="help"
        aria-label="Keyboard shortcuts (?)"
        title="Keyboard shortcuts (?)"
        onClick={onClick}
      >
        <Icon name="help" size={18} />
      </button>
    </div>
  );
}
