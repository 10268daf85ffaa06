import type { z } from 'zod';
import { ControlError } from '../control/control-server';

/** Validates a control API request body; a bad one is a 400 with the first problem named. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ControlError(`${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}`);
  return r.data;
}
