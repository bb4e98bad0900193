import { z } from 'zod';
import { S2S_HOST_STATES } from '../models/s2s-host-approval.model';
import { ObjectId } from './common.schemas';

const page = z.coerce.number().int().min(1).max(10_000).default(1).meta({ description: 'From 1 (default 1)' });
const pageSize = z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Default 50, at most 200' });

export const S2SHostsQuery = z.strictObject({ page, pageSize }).meta({ id: 'S2SHostsQuery' });
export const S2SHostParams = z.strictObject({ specialistId: ObjectId });

const ZoomUserRef = z.object({ id: z.string(), email: z.string() });

export const S2SHostRow = z
  .object({
    specialistId: z.string(),
    name: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    zoomUser: ZoomUserRef.nullable().meta({
      description:
        'The Zoom user of the platform account they host (or would host) as: the approval’s, else the one whose ' +
        'email is theirs (null: none, or Zoom could not be asked)',
    }),
    zoomUserLookup: z
      .enum(['found', 'not_found', 'unavailable'])
      .nullable()
      .meta({ description: 'What Zoom answered for their email (null: approved, Zoom is not asked)' }),
    state: z.enum(S2S_HOST_STATES).meta({
      description:
        'approved (hosts as zoomUser); fallback_host (not approved: ZOOM_S2S_HOST_USER hosts them); ' +
        'email_not_verified, not_in_zoom_account, awaiting_approval (an admin must approve), zoom_unavailable ' +
        '(Zoom could not be asked): cannot be booked',
    }),
    approvable: z.boolean().meta({ description: 'POST …/approve would make them approved now' }),
    approval: z
      .object({
        zoomUserId: z.string(),
        zoomEmail: z.string(),
        approvedEmail: z.string().meta({ description: 'Their email when approved; another email voids it' }),
        approvedBy: z.object({ id: z.string(), name: z.string().nullable() }),
        approvedAt: z.string(),
        valid: z.boolean(),
        voidReason: z.enum(['email_changed', 'email_not_verified']).nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'S2SHostRow' });

export const S2SHostPage = z
  .object({
    items: z.array(S2SHostRow),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    fallbackHost: z.string().nullable().meta({ description: 'ZOOM_S2S_HOST_USER (null: not set)' }),
    zoomReachable: z.boolean().meta({ description: 'false: Zoom could not be asked about some rows (zoomError)' }),
    zoomError: z.string().nullable(),
  })
  .meta({ id: 'S2SHostPage' });

export type S2SHostsQuery = z.infer<typeof S2SHostsQuery>;
