import { isValidObjectId } from 'mongoose';
import { z } from 'zod';
import { canonicalTimeZone, timeZoneProblem } from '../lib/timezone';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });

export const ObjectId = z
  .string()
  .refine((v) => isValidObjectId(v) && /^[0-9a-f]{24}$/i.test(v), 'must be a 24-character hex id')
  .meta({ example: '665f1b2c9d3e4a0012345678' });

export const IdParams = z.strictObject({ id: ObjectId });

export const TimeZone = z
  .string()
  .superRefine((name, ctx) => {
    const problem = timeZoneProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(canonicalTimeZone)
  .meta({ example: 'Europe/Berlin' });

export const IsoInstant = z.iso.datetime({ offset: true }).meta({ example: '2026-12-01T09:00:00Z' });

// Unicode control characters (C0, DEL, C1) and the line/paragraph separators some clients break lines on.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
const CONTROLS_BUT_LINE_BREAKS_AND_TABS = /[\u2028\u2029]|(?![\t\n\r])\p{Cc}/u;

/**
 * Refuses control characters in a free-text field (names, topics, headlines, notes), so a value can never start a new
 * header, .ics property or log line. `multiline` (notes) still allows line breaks and tabs. The 400's details name the
 * field by its path.
 */
export function withoutControlCharacters(schema: z.ZodString, options: { multiline?: boolean } = {}): z.ZodString {
  const forbidden = options.multiline ? CONTROLS_BUT_LINE_BREAKS_AND_TABS : CONTROL_CHARACTERS;
  return schema.refine((value) => !forbidden.test(value), {
    message: options.multiline
      ? 'must not contain control characters other than line breaks and tabs'
      : 'must not contain control characters (line breaks, tabs and the like)',
  });
}

/** A person's display name: one line, 1–120 characters. */
export const PersonName = withoutControlCharacters(z.string().trim().min(1).max(120));
