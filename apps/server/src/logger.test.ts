import { describe, expect, it } from 'vitest';
import { messageWithCauses } from './logger.js';
import { recordingLogger } from './testing/logLines.js';

describe('logged errors', () => {
  it('name a cause once when the message already carries it', () => {
    const { logger, lines } = recordingLogger();
    const full = new Error('database or disk is full');
    logger.error({ err: new Error(`storage commit failed: ${full.message}`, { cause: full }) });
    const err = lines[0]!.err as { message: string; stack: string };
    expect(err.message).toBe('storage commit failed: database or disk is full');
    // The cause's stack is still there.
    expect(err.stack).toMatch(/caused by: Error: database or disk is full/);
  });

  it('append the causes the message does not carry, down the chain', () => {
    const root = new Error('ECONNREFUSED');
    const mid = new Error('PostgreSQL unavailable', { cause: root });
    const top = new Error('the board could not be loaded', { cause: mid });
    expect(messageWithCauses(top)).toBe(
      'the board could not be loaded: PostgreSQL unavailable: ECONNREFUSED',
    );
    const carried = new Error('storage commit failed: PostgreSQL unavailable', { cause: mid });
    expect(messageWithCauses(carried)).toBe(
      'storage commit failed: PostgreSQL unavailable: ECONNREFUSED',
    );
  });

  it('stop at a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(messageWithCauses(a)).toMatch(/^a: b: a/);
  });
});
