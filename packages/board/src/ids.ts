import { nanoid } from 'nanoid';

/** A new shape or group id. */
export const newShapeId = (): string => nanoid(12);
