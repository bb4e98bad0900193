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
