import { describe, it } from 'vitest';
import { WAIT_MS } from './utils/app.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('scratch');

describe('scratch', () => {
  it('visual', async () => {
    const { a, b } = await e2e.pair();
    await a.drawText('sticky', { x: 400, y: 300 }, 'Plan: the quick brown fox');
    await a.page.mouse.dblclick(...((await a.toPage([{ x: 400, y: 300 }])).map((p) => [p.x, p.y])[0] as [number, number]));
    await b.page.mouse.dblclick(...((await b.toPage([{ x: 400, y: 300 }])).map((p) => [p.x, p.y])[0] as [number, number]));
    await b.byTestId('text-editor').pressSequentially(' jumps', { delay: 10 });
    await a.page.locator('[data-testid="remote-caret"]').waitFor({ state: 'visible', timeout: WAIT_MS });
    await a.page.screenshot({ path: '/tmp/shot-caret-a.png' });
    await a.byTestId('text-editor').press('Escape');
    await b.byTestId('text-editor').press('Escape');
    // shapes
    await a.drawBox('diamond', { x: 700, y: 150 }, { x: 900, y: 300 });
    await a.page.mouse.dblclick(...((await a.toPage([{ x: 800, y: 225 }])).map((p) => [p.x, p.y])[0] as [number, number]));
    await a.byTestId('text-editor').pressSequentially('Is it done?');
    await a.page.screenshot({ path: '/tmp/shot-label-edit.png' });
    await a.byTestId('text-editor').press('Escape');
    const r = await a.drawBox('rect', { x: 700, y: 450 }, { x: 900, y: 560 });
    await a.byTestId('dash-dashed').click();
    await a.drawSegment('arrow', { x: 800, y: 300 }, { x: 800, y: 500 });
    await a.drawSegment('arrow', { x: 500, y: 400 }, { x: 750, y: 500 });
    await a.byTestId('route-elbow').click();
    await a.drawSegment('arrow', { x: 900, y: 225 }, { x: 1100, y: 600 });
    await a.byTestId('route-curved').click();
    await a.page.mouse.dblclick(...((await a.toPage([{ x: 625, y: 450 }])).map((p) => [p.x, p.y])[0] as [number, number]));
    await a.byTestId('text-editor').pressSequentially('yes');
    await a.byTestId('text-editor').press('Escape');
    await a.clearSelection();
    await a.page.screenshot({ path: '/tmp/shot-diagram.png' });
    await a.click({ x: 800, y: 450 }, [], 'right');
    await a.page.screenshot({ path: '/tmp/shot-menu.png' });
    await a.page.keyboard.press('Escape');
    await a.page.keyboard.press('?');
    await a.page.screenshot({ path: '/tmp/shot-help.png' });
    await a.page.keyboard.press('Escape');
    await a.page.keyboard.press('Control+f');
    await a.byTestId('find-input').fill('done');
    await a.page.screenshot({ path: '/tmp/shot-find.png' });
    void r;
  });
});
