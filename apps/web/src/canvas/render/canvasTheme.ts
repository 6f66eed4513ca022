/** Colours of everything the canvas draws that is not a shape's own colour. */
export interface CanvasTheme {
  name: 'light' | 'dark';
  background: string;
  grid: string;
  accent: string;
  marqueeFill: string;
  handleFill: string;
  /** Stored default ink (#1e1e1e) is drawn in this colour, so it stays legible on dark. */
  ink: string;
}

export const DEFAULT_INK = '#1e1e1e';

export const CANVAS_THEMES: Record<'light' | 'dark', CanvasTheme> = {
  light: {
    name: 'light',
    background: '#fbfbfd',
    grid: '#cfd2da',
    accent: '#5b5bd6',
    marqueeFill: 'rgba(91, 91, 214, 0.08)',
    handleFill: '#ffffff',
    ink: DEFAULT_INK,
  },
  dark: {
    name: 'dark',
    background: '#17171c',
    grid: '#34343d',
    accent: '#8b8cf8',
    marqueeFill: 'rgba(139, 140, 248, 0.12)',
    handleFill: '#17171c',
    ink: '#e7e7ec',
  },
};

/** Exports always use the stored colours on white. */
export const EXPORT_THEME: CanvasTheme = { ...CANVAS_THEMES.light, background: '#ffffff' };
