import { z } from 'zod';
import { IsoInstant, TimeZone, withoutControlCharacters } from './common.schemas';

// A Zoom user id (22 characters) or the user's email, as Zoom's /users/{userId} accepts.
const ZoomUserId = z
  .string()
  .trim()
  .min(1)
  .max(254)
  // '.' and '..' would be normalised away as path segments and change which Zoom endpoint is called.
  .refine((v) => v !== '.' && v !== '..', 'is not a user id')
  .meta({ example: 'KDcuGIm1QgePTO8WbOqwIQ' });

export const ZoomUserParams = z.strictObject({ userId: ZoomUserId }).meta({ id: 'ZoomAccountUserParams' });

export const ZoomUsersQuery = z
  .strictObject({
    page_size: z.coerce.number().int().min(1).max(300).optional(),
    next_page_token: z.string().max(512).optional(),
  })
  .meta({ id: 'ZoomAccountUsersQuery' });

export const ZoomMeetingsQuery = z.strictObject({ userId: ZoomUserId }).meta({ id: 'ZoomAccountMeetingsQuery' });

export const CreateZoomMeetingBody = z
  .strictObject({
    userId: ZoomUserId,
    topic: withoutControlCharacters(z.string().trim().min(1).max(200)),
    start_time: IsoInstant,
    duration: z.number().int().min(1).max(1440).meta({ description: 'Minutes' }),
    timezone: TimeZone,
  })
  .meta({ id: 'CreateZoomAccountMeetingRequest' });

export const ZoomAccountUser = z
  .object({
    id: z.string(),
    email: z.string(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    display_name: z.string().optional(),
    account_id: z.string().optional(),
    timezone: z.string().optional(),
    type: z.number().optional(),
    status: z.string().optional(),
  })
  .meta({ id: 'ZoomAccountUser' });

export const ZoomAccountUserList = z
  .object({ users: z.array(ZoomAccountUser), next_page_token: z.string(), total_records: z.number() })
  .meta({ id: 'ZoomAccountUserList' });

export const ZoomAccountMeeting = z
  .object({
    id: z.string().meta({ description: "Zoom's numeric meeting id, as a string" }),
    uuid: z.string().optional(),
    host_id: z.string().optional(),
    host_email: z.string().optional(),
    topic: z.string().optional(),
    type: z.number().optional(),
    status: z.string().optional(),
    start_time: z.string().optional(),
    duration: z.number().optional(),
    timezone: z.string().optional(),
    created_at: z.string().optional(),
    start_url: z.string().optional().meta({ description: 'Starts the meeting as its host: treat as a secret' }),
    join_url: z.string().optional(),
    password: z.string().optional(),
  })
  .meta({ id: 'ZoomAccountMeeting' });

export const ZoomAccountMeetingList = z
  .object({ meetings: z.array(ZoomAccountMeeting), next_page_token: z.string(), total_records: z.number() })
  .meta({ id: 'ZoomAccountMeetingList' });

export type ZoomUsersQuery = z.infer<typeof ZoomUsersQuery>;
export type CreateZoomMeetingBody = z.infer<typeof CreateZoomMeetingBody>;
