import { ErrorCode } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../collab/ConnectionMonitor.js';
import { statusText } from './StatusBadge.js';

const view = (
  status: ConnectionView['status'],
  unsaved: number,
  error: ConnectionView['error'] = null,
) => ({ status, unsaved, error }) as ConnectionView;

const storageError = { code: ErrorCode.STORAGE_ERROR, message: 'the update could not be stored' };

describe('statusText', () => {
  it('tells a refusal to store apart from a connection problem', () => {
    // The update was refused; the client stays on the board, live (or is rejoining, to check).
    for (const status of ['live', 'connecting'] as const) {
      expect(statusText(view(status, 3, storageError))).toEqual({
        label: 'Not saved · 3 changes',
        detail: expect.stringMatching(/server cannot save changes right now/),
      });
    }
    expect(statusText(view('live', 3, storageError)).detail).toMatch(/still sees your edits live/);
    expect(statusText(view('connecting', 3, storageError)).detail).not.toMatch(/live/);
    expect(statusText(view('connecting', 0, storageError)).label).toBe('Waiting for the server…');
    // Offline wins: the network is the problem then.
    expect(statusText(view('offline', 1, storageError)).label).toBe('Offline · 1 unsaved change');
  });

  it('shows the usual states without a storage refusal', () => {
    expect(statusText(view('live', 0)).label).toBe('All changes saved');
    expect(statusText(view('live', 2)).label).toBe('Saving 2 changes…');
    expect(statusText(view('connecting', 1)).label).toBe('Connecting… · 1 unsaved change');
    const forbidden = {
      code: ErrorCode.FORBIDDEN,
      message: 'awareness client 1 belongs to another connection',
    };
    expect(statusText(view('live', 0, forbidden)).label).toBe('All changes saved');
    expect(statusText(view('connecting', 0)).detail).toBe('Connecting to the server.');
    // A refusal left from before (not about joining) says nothing about this join.
    expect(statusText(view('connecting', 0, forbidden)).detail).toBe('Connecting to the server.');
  });

  it('says why a join is being tried again', () => {
    const busy = { code: ErrorCode.RATE_LIMITED, message: 'too many messages' };
    expect(statusText(view('connecting', 1, busy))).toEqual({
      label: 'Connecting… · 1 unsaved change',
      detail: 'The server did not open the board yet (too many messages). Trying again by itself.',
    });
  });
});
