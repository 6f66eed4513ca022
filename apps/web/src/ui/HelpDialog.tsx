import { useEffect, useRef } from 'react';
import { SHORTCUTS, type Shortcut } from '../app/shortcuts.js';

const SECTIONS: Shortcut['section'][] = ['Tools', 'Edit', 'Arrange', 'View'];

/** Every keyboard shortcut, from the one table the keyboard handler uses. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div
      className="dialog-backdrop"
      onPointerDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={ref}
        className="help-dialog panel"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="help-dialog"
        tabIndex={-1}
      >
        <header className="dialog-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="link-button" onClick={onClose} data-testid="help-close">
            Close
          </button>
        </header>
        <div className="help-columns">
          {SECTIONS.map((section) => (
            <section key={section}>
              <h3>{section}</h3>
              <dl>
                {SHORTCUTS.filter((s) => s.section === section).map((s) => (
                  <div className="help-row" key={`${s.keys}|${s.label}`}>
                    <dt>
                      <kbd>{s.keys}</kbd>
                    </dt>
                    <dd>{s.label}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
