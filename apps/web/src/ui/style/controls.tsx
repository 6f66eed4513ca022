import type { CSSProperties, ReactNode } from 'react';
import { DEFAULT_INK } from '../../canvas/render/canvasTheme.js';
import { Icon, type IconName } from '../Icon.js';

export const COLOR_NAMES: Record<string, string> = {
  '#1e1e1e': 'Black',
  '#e03131': 'Red',
  '#2f9e44': 'Green',
  '#1971c2': 'Blue',
  '#f08c00': 'Orange',
  '#9c36b5': 'Purple',
  '#0c8599': 'Teal',
  '#868e96': 'Grey',
  '#ffffff': 'White',
  none: 'No fill',
  '#ffc9c9': 'Pink',
  '#ffec99': 'Yellow',
  '#b2f2bb': 'Mint',
  '#a5d8ff': 'Sky',
  '#eebefa': 'Lilac',
  '#e9ecef': 'Light grey',
};

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="style-section">
      <h2 className="style-title">{title}</h2>
      {children}
    </section>
  );
}

export function Swatch(props: { color: string; active: boolean; onPick: () => void }) {
  const name = COLOR_NAMES[props.color] ?? props.color;
  return (
    <button
      type="button"
      className={`swatch${props.color === 'none' ? ' swatch-none' : ''}`}
      style={props.color === 'none' ? undefined : ({ '--swatch': props.color } as CSSProperties)}
      data-ink={props.color === DEFAULT_INK ? 'default' : undefined}
      aria-pressed={props.active}
      aria-label={name}
      title={name}
      onClick={props.onPick}
    />
  );
}

/** A row of mutually exclusive choices. */
export function Segmented<T extends string | number>(props: {
  options: readonly { value: T; label: string; content: ReactNode }[];
  value: T;
  testId: string;
  onPick: (value: T) => void;
}) {
  return (
    <div className="segmented">
      {props.options.map(({ value, label, content }) => (
        <button
          key={String(value)}
          type="button"
          className="segment"
          data-testid={`${props.testId}-${value}`}
          aria-pressed={props.value === value}
          aria-label={label}
          title={label}
          onClick={() => props.onPick(value)}
        >
          {content}
        </button>
      ))}
    </div>
  );
}

export function ActionButton(props: {
  testId: string;
  icon: IconName;
  label: string;
  danger?: boolean;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`icon-button${props.danger ? ' danger' : ''}`}
      data-testid={props.testId}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <Icon name={props.icon} size={16} />
    </button>
  );
}

/** A small stroke sample for the dash and head choices. */
export function LineSample({ dash, head }: { dash?: string; head?: 'start' | 'end' | string }) {
  return (
    <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">
      <path
        d="M3 7h22"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeDasharray={dash === 'dashed' ? '6 4' : dash === 'dotted' ? '0 4' : undefined}
      />
      {head === 'arrow' && (
        <path d="M19 3l6 4-6 4" fill="none" stroke="currentColor" strokeWidth="2" />
      )}
      {head === 'triangle' && <path d="M18 2.5l7 4.5-7 4.5z" fill="currentColor" />}
      {head === 'dot' && <circle cx="23" cy="7" r="3.5" fill="currentColor" />}
    </svg>
  );
}
